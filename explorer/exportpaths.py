"""The rules for export targets, Qt-free: suffixes, pixel scale, stage numbers, folders and the
names of multi-file exports. The window, the figure exporter and the command line all check here."""
from __future__ import annotations

import os
from pathlib import Path

from .atomic import IMAGE_SUFFIXES, ExportError
from .engine import STAGES

N_STAGES = len(STAGES)
SCALE_MIN, SCALE_MAX = 1.0, 4.0
HEAD_FORMATS = ("png", "svg", "pdf")


def check_scale(scale: object) -> float:
    """The PNG pixel scale as a float in SCALE_MIN..SCALE_MAX, or ExportError."""
    try:
        value = float(scale)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ExportError(f"The scale must be a number between {SCALE_MIN:g} and {SCALE_MAX:g}.") from None
    if not (SCALE_MIN <= value <= SCALE_MAX):  # also false for NaN
        raise ExportError(f"The scale must be between {SCALE_MIN:g} and {SCALE_MAX:g}, got {value:g}.")
    return value


def check_stage(stage: object) -> int:
    if not isinstance(stage, int) or isinstance(stage, bool) or not 0 <= stage < N_STAGES:
        raise ExportError(f"The stage must be between 0 and {N_STAGES - 1}, got {stage}.")
    return stage


def image_suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in IMAGE_SUFFIXES:
        got = f"'{path.suffix}'" if path.suffix else "no suffix"
        raise ExportError(f"Unknown image type ({got}) for {path}: use one of {', '.join(IMAGE_SUFFIXES)}.")
    return suffix


def check_folder(folder: Path) -> None:
    if not folder.exists():
        raise ExportError(f"The folder {folder} does not exist.")
    if not folder.is_dir():
        raise ExportError(f"{folder} is not a folder.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ExportError(f"Cannot write to the folder {folder}: permission denied.")


def head_format(fmt: object) -> str:
    value = str(fmt).lower().lstrip(".")
    if value not in HEAD_FORMATS:
        raise ExportError(f"Unknown image type '{value}': use one of {', '.join(HEAD_FORMATS)}.")
    return value


def head_file_names(n_heads: int, fmt: str = "png") -> list[str]:
    return [f"head_{i + 1:02d}.{fmt}" for i in range(n_heads)]


def handout_suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in (".pdf", ".png"):
        got = f"'{path.suffix}'" if path.suffix else "no suffix"
        raise ExportError(f"Unknown handout type ({got}) for {path}: use .pdf (one page per stage) or .png "
                          "(one numbered image per stage).")
    return suffix


def handout_paths(path: str | os.PathLike[str]) -> list[Path]:
    """The files a handout writes for ``path``: the PDF itself, or name_00.png … name_10.png."""
    p = Path(path)
    if p.suffix.lower() == ".png":
        return [p.with_name(f"{p.stem}_{k:02d}{p.suffix}") for k in range(N_STAGES)]
    return [p]
