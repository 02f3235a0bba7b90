"""Before Qt starts: on Linux/X11, Qt 6's xcb plugin needs a few system libraries that pip cannot
install. Without them Qt aborts with a cryptic message; we say what to install instead."""
from __future__ import annotations

import ctypes.util
import os
import sys

# library name for find_library -> the Debian/Ubuntu package that provides it
XCB_LIBRARIES = {
    "xcb-cursor": "libxcb-cursor0",
    "xcb-icccm": "libxcb-icccm4",
    "xcb-keysyms": "libxcb-keysyms1",
    "xkbcommon-x11": "libxkbcommon-x11-0",
}


def missing_x11_packages() -> list[str]:
    """Debian package names of the missing libraries, when the app would start on X11."""
    if not sys.platform.startswith("linux"):
        return []
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform and not platform.startswith("xcb"):
        return []
    if not platform and (os.environ.get("WAYLAND_DISPLAY") or not os.environ.get("DISPLAY")):
        return []
    return [pkg for lib, pkg in XCB_LIBRARIES.items() if ctypes.util.find_library(lib) is None]


def x11_help(packages: list[str]) -> str:
    return (
        "attention-explorer: error: Qt needs system libraries that are missing: "
        f"{', '.join(packages)}. On Debian or Ubuntu: sudo apt-get install {' '.join(packages)}"
    )
