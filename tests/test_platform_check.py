import ctypes.util

from explorer import platform_check


def test_missing_x11_libraries_are_named_with_their_packages(monkeypatch):
    monkeypatch.setattr(platform_check.sys, "platform", "linux")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None if name == "xcb-cursor" else f"lib{name}.so")
    assert platform_check.missing_x11_packages() == ["libxcb-cursor0"]
    msg = platform_check.x11_help(["libxcb-cursor0"])
    assert msg.startswith("attention-explorer: error:") and "sudo apt-get install libxcb-cursor0" in msg


def test_no_check_offscreen_or_on_wayland(monkeypatch):
    monkeypatch.setattr(platform_check.sys, "platform", "linux")
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None)
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert platform_check.missing_x11_packages() == []
    monkeypatch.delenv("QT_QPA_PLATFORM")
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    assert platform_check.missing_x11_packages() == []
