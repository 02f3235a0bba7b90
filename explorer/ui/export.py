"""Export figures: PNG, SVG and PDF of any registered view, each head alone, and the
eleven-stage handout. The pieces live in ``explorer.ui.figures`` (layout, rendering, the views'
figures) and ``explorer.exportpaths`` (the Qt-free path rules); this module writes files.

Every file is rendered in memory first and then written with ``explorer.atomic``: a finished file
or no change at all. Multi-file exports (each head, the PNG handout) are all or nothing. Failures
raise ``ExportError`` with one sentence.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication

from ..atomic import ExportError, atomic_write, atomic_write_all, check_target
from ..exportpaths import (
    HEAD_FORMATS,
    N_STAGES,
    SCALE_MAX,
    SCALE_MIN,
    check_folder,
    check_scale,
    check_stage,
    handout_paths,
    handout_suffix,
    head_file_names,
    head_format,
    image_suffix,
)
from .figures.layout import (
    FIGURE_SIZES,
    HANDOUT_SIZE,
    ROWS_NOTE,
    VECTOR_MIN_CELL_PX,
    Figure,
    ensure_app,
    figure_caption,
    tokens_line,
)
from .figures.render import _pdf_bytes, _png_bytes, figure_bytes, render_image
from .figures.views import _cached, _new_stage_graphics, _SingleHeadGraphics, _step_figure, build_figure
from .views.registry import VIEWS

__all__ = [
    "FIGURE_SIZES", "HANDOUT_SIZE", "HEAD_FORMATS", "VECTOR_MIN_CELL_PX", "N_STAGES", "SCALE_MAX", "SCALE_MIN",
    "Figure", "build_figure",
    "ensure_app", "export_figure", "export_handout", "export_heads_separately", "figure_bytes", "handout_paths",
    "head_file_names", "render_image",
]


def _write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` (a temporary file of atomic_write); an OSError such as a full
    disk propagates and is reported by the caller."""
    with open(path, "wb") as f:
        f.write(data)


def _write_one(path: Path, data: bytes) -> None:
    atomic_write(path, lambda tmp: _write_bytes(tmp, data))


def _write_all(files: list[tuple[Path, bytes]]) -> None:
    """Write several files all or nothing (see atomic_write_all)."""
    atomic_write_all([(path, lambda tmp, data=data: _write_bytes(tmp, data)) for path, data in files])


def _rendering_errors(what: str):
    """Turn a failure while drawing (out of memory, a Qt error) into one sentence."""
    class _Guard:
        def __enter__(self):
            return self

        def __exit__(self, kind, value, tb):
            if value is None or isinstance(value, (ExportError, KeyboardInterrupt, SystemExit)):
                return False
            if isinstance(value, MemoryError):
                message = QCoreApplication.translate("Export", "Not enough memory to draw {0}.")
                raise ExportError(message.format(what)) from value
            return False
    return _Guard()


def export_figure(pair, path, *, view: str = "heads", stage: int = 7, scale: float = 2, caption: str | None = None,
                  widget=None, title: str = "") -> None:
    """Write the figure of ``view`` to ``path``; the suffix (.png .svg .pdf) picks the format.
    ``scale`` (1-4) multiplies the PNG's pixels. Raises ExportError; never leaves a partial file."""
    path = Path(path)
    suffix = image_suffix(path)
    scale = check_scale(scale)
    if view not in VIEWS:
        raise ExportError(QCoreApplication.translate("Export", "Unknown view {0}: use one of {1}.").format(
            repr(view), ", ".join(VIEWS)))
    if view == "step":
        check_stage(stage)
    check_target(path, force=True)  # folder exists and is writable: before the drawing work
    with _rendering_errors(QCoreApplication.translate("Export", "the figure")):
        data = figure_bytes(build_figure(pair, view, stage, caption=caption, widget=widget, title=title), suffix,
                            scale)
    _write_one(path, data)


def export_heads_separately(pair, folder, fmt: str = "png", *, scale: float = 2,
                            caption: str | None = None) -> list[Path]:
    """One figure per head (title and caption each) as ``head_01.<fmt>`` … in ``folder``; all or
    nothing. Returns the paths written."""
    folder = Path(folder)
    fmt = head_format(fmt)
    scale = check_scale(scale)
    check_folder(folder)
    ensure_app()
    h = pair.multi.n_heads
    single = _cached("head", _SingleHeadGraphics)
    files = []
    with _rendering_errors(QCoreApplication.translate("Export", "the heads")):
        for head, name in enumerate(head_file_names(h, fmt)):
            title = QCoreApplication.translate("Export", "Head {0} of {1}: attention weights").format(head + 1, h)
            fig = Figure(FIGURE_SIZES["head"], title, figure_caption(pair, caption), single.build(pair, head),
                         subtitle=ROWS_NOTE(), tokens=tokens_line(pair))
            files.append((folder / name, figure_bytes(fig, "." + fmt, scale)))
    _write_all(files)
    return [p for p, _ in files]


def _handout_figures(pair, caption: str | None = None):
    g = _cached("step", _new_stage_graphics)  # one view, re-used page after page
    for k in range(N_STAGES):
        yield _step_figure(pair, k, HANDOUT_SIZE, reuse=g, caption=caption,
                           footer=QCoreApplication.translate("Export", "Page {0} of {1}").format(k + 1, N_STAGES))


def export_handout(pair, path, *, scale: float = 2, caption: str | None = None) -> list[Path]:
    """The step-through as a handout: ``.pdf`` -> one A4 landscape page per stage 0-10 (title,
    formula, shapes, matrices, caption); ``.png`` -> name_00.png … name_10.png at ``scale``.
    All or nothing. Returns the paths written."""
    path = Path(path)
    suffix = handout_suffix(path)
    scale = check_scale(scale)
    check_target(path, force=True)
    ensure_app()
    with _rendering_errors(QCoreApplication.translate("Export", "the handout")):
        if suffix == ".pdf":
            data = _pdf_bytes(_handout_figures(pair, caption),
                              QCoreApplication.translate("Export", "Attention, step by step"), a4=True)
        else:
            files = [(p, _png_bytes(render_image(fig, scale)))
                     for p, fig in zip(handout_paths(path), _handout_figures(pair, caption))]
    if suffix == ".pdf":
        _write_one(path, data)
        return [path]
    _write_all(files)
    return [p for p, _ in files]
