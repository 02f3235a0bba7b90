"""The ranges the window and the command line offer (the engine itself allows more)."""
D_MODEL_MIN, D_MODEL_MAX = 4, 512
HEADS_MIN, HEADS_MAX = 1, 16
TOKENS_MAX = 256
SEED_MAX = 2**31 - 1  # a QSpinBox holds a C int
TEMPERATURE_MIN, TEMPERATURE_MAX = 0.05, 20.0

DEFAULT_TEXT = "The animal didn't cross the street because it was too tired."
DEFAULT_D_MODEL = 64
DEFAULT_HEADS = 8
