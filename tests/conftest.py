import os

# Headless unless a display is asked for explicitly (AE_TEST_DISPLAY=1 keeps the platform as set).
if os.environ.get("AE_TEST_DISPLAY") != "1":
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
