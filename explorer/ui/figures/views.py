"""The figures of the registered views (see explorer.ui.views.registry): each builds a Figure
from a FigureContext, offscreen, at a fixed size. Views without a figure function are exported
as they are drawn in the window (``widget_figure``)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication

from ...atomic import ExportError
from ...engine import TracePair
from ...exportpaths import check_stage
from ..views.registry import VIEWS
from .layout import FIGURE_SIZES, HANDOUT_SIZE, ROWS_NOTE, Figure, ensure_app, figure_caption, tokens_line


@dataclass
class FigureContext:
    """What a figure shows: the pair (h heads and the same weights regrouped into h'), the
    configuration caption (None: the synthetic engine's, from the pair), the stage for the
    step view, and the live widget for views exported as drawn."""

    pair: TracePair
    caption: str | None = None
    stage: int = 7
    widget: Any = None
    title: str = ""


_CACHE: dict[str, object] = {}


def _cached(kind: str, factory):
    """One offscreen view per kind, re-used from export to export: building 16 plot panels
    costs more than drawing them. A Figure is therefore valid until the next figure of its kind
    is built."""
    view = _CACHE.get(kind)
    if view is None:
        view = _CACHE[kind] = factory()
    return view


def _heads_graphics(pair):
    def build(w: int, h: int):
        from ..heads_view import HeadsView

        view = _cached("heads", HeadsView)
        view.thin_rotated = True  # a figure labels as many tokens as it can
        view.resize(w, h)  # the grid's column count follows the size: set it before the data
        view.set_trace(pair.multi)
        return view
    return build


def _compare_graphics(pair):
    def build(w: int, h: int):
        from ..compare_view import CompareGraphics

        g = _cached("compare", lambda: CompareGraphics(with_metrics=True))  # exports carry the metrics
        g.resize(w, h)
        g.set_pair(pair)
        return g
    return build


def _stage_graphics(pair, k: int, reuse=None):
    def build(w: int, h: int):
        g = reuse if reuse is not None else _cached("step", _new_stage_graphics)
        g.resize(w, h)
        g.set_stage(pair, k)
        return g
    return build


def _new_stage_graphics():
    try:
        from ..stage_view import StageGraphics
    except ImportError as e:
        message = QCoreApplication.translate("Export", "The step-through view is not available: {0}.")
        raise ExportError(message.format(e)) from e
    return StageGraphics()


class _SingleHeadGraphics:
    """One head's matrix and the colour bar, for ``export_heads_separately``: every token
    labelled (up to 64; beyond, evenly thinned and said so in the figure), axis titles, and the
    grid's colour scale (the heads compare)."""

    def __init__(self) -> None:
        import pyqtgraph as pg

        from ..matrix_plot import MatrixPlot
        from ..style import WEIGHTS_CMAP, ColourBar, colormap, lut

        self.widget = pg.GraphicsLayoutWidget()
        self.widget.ci.setContentsMargins(4, 6, 4, 4)
        self.plot = MatrixPlot(lut=lut(WEIGHTS_CMAP), axis_titles=True)
        self.bar = ColourBar(values=(0, 1), colorMap=colormap(WEIGHTS_CMAP), interactive=False, width=14,
                             label=QCoreApplication.translate("Export", "attention weight"), colorMapMenu=False)
        self.widget.addItem(self.plot, row=0, col=0)
        self.widget.addItem(self.bar, row=0, col=1)

    def build(self, pair, head: int):
        from ...colorscale import colour_bar, shared_top

        def build(w: int, h: int):
            bar = colour_bar("linear", shared_top(pair.multi.weights))  # the grid's scale: heads compare
            self.widget.resize(w, h)
            self.bar.setLevels(bar.levels)
            self.bar.axis.setTicks([list(bar.ticks)])
            self.bar.getAxis("left").setLabel(QCoreApplication.translate("ColourScale", bar.title))
            self.plot.set_colour_scale("linear", bar.levels[1])
            self.plot.set_matrix(pair.multi.weights[head], bar.levels)
            self.plot.set_labels(pair.multi.tokens, pair.multi.tokens)
            return self.widget
        return build


def _step_figure(pair, k: int, size: tuple[int, int], reuse=None, footer: str = "",
                 caption: str | None = None) -> Figure:
    from ..stage_info import scale_text, stage_formula, stage_shapes, stage_title

    shapes = stage_shapes(pair, k)
    if k == 5:
        shapes += " · " + scale_text(pair)
    title = QCoreApplication.translate("Export", "Step {0}").format(stage_title(k))
    return Figure(size, title, figure_caption(pair, caption), _stage_graphics(pair, k, reuse),
                  formula=stage_formula(k), subtitle=shapes, tokens=tokens_line(pair), footer=footer,
                  grow=size != HANDOUT_SIZE)  # a handout page stays A4


def heads_figure(ctx: FigureContext) -> Figure:
    pair = ctx.pair
    h = pair.multi.n_heads
    return Figure(FIGURE_SIZES["heads"],
                  QCoreApplication.translate("Export", "Multi-head attention: the weights of each of the {0} heads")
                  .format(h), figure_caption(pair, ctx.caption), _heads_graphics(pair), subtitle=ROWS_NOTE(),
                  tokens=tokens_line(pair))


def compare_figure(ctx: FigureContext) -> Figure:
    from ...engine import single_vs_mean

    pair = ctx.pair
    h, h2 = pair.multi.n_heads, pair.single.n_heads
    cmp = single_vs_mean(pair)
    subtitle = QCoreApplication.translate(
        "Export", "Single head vs mean of the heads: Jensen–Shannon divergence {0:.3f} bits, "
        "largest |difference| {1:.3f}.").format(cmp.js, cmp.max_abs)
    if h2 == 1:
        title = QCoreApplication.translate("Export", "Self-attention (one head) vs multi-head attention ({0} heads)"
                                           ).format(h)
    else:
        title = QCoreApplication.translate("Export", "The same weights as {0} heads and regrouped into {1} heads"
                                           ).format(h, h2)
    return Figure(FIGURE_SIZES["compare"], title, figure_caption(pair, ctx.caption), _compare_graphics(pair),
                  subtitle=subtitle, tokens=tokens_line(pair))


def step_figure(ctx: FigureContext) -> Figure:
    return _step_figure(ctx.pair, check_stage(ctx.stage), FIGURE_SIZES["step"], caption=ctx.caption)


def widget_figure(ctx: FigureContext) -> Figure:
    """A view exported as it is drawn in the window (title, caption and tokens around it)."""
    widget = ctx.widget
    if widget is None:
        raise ExportError(QCoreApplication.translate("Export", "This view can only be exported from the window."))
    return Figure(FIGURE_SIZES["widget"], ctx.title, figure_caption(ctx.pair, ctx.caption), lambda w, h: widget,
                  tokens=tokens_line(ctx.pair), fixed_graphics=True)


def build_figure(pair: TracePair, view: str = "heads", stage: int = 7, *, caption: str | None = None,
                 widget: Any = None, title: str = "") -> Figure:
    """The figure of the registered ``view`` for ``pair`` (``stage`` for the step view)."""
    ensure_app()
    spec = VIEWS.get(view)
    if spec is None:
        raise ExportError(QCoreApplication.translate("Export", "Unknown view {0}: use one of {1}.").format(
            repr(view), ", ".join(VIEWS)))
    ctx = FigureContext(pair, caption, stage, widget, title)
    build = spec.load("figure") if spec.figure else widget_figure
    return build(ctx)
