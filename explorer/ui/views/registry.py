"""The view registry: one table from each view's name to how it is built, drawn and exported.

Qt-free on purpose (classes are named as "module:attribute" and imported when first needed), so
the command line reads the export choices without loading Qt. The main window builds its tabs
from this table, the exporter finds each view's figure here, and sessions store the view by
name. Adding a view is one new file plus one ``register(ViewSpec(...))`` line.

A view class is constructed as ``cls(window)``. The window calls ``view.show_state(window)``
when the state's data changed while the view is showing (or as soon as it is shown again).
Every view has ``save_state() -> dict`` and ``restore_state(dict)`` (sessions, QSettings); a view
that runs a thread of its own has ``shutdown()``, which the window calls when it closes.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

# QT_TRANSLATE_NOOP-style marker: lupdate reads titles from the register(...) lines below as
# QCoreApplication.translate("Views", title) calls in explorer/ui/main_window.py.


@dataclass(frozen=True)
class ViewSpec:
    name: str  # the CLI's --view choice and the session's "view"
    title: str  # English source of the tab title (translated in the "Views" context)
    widget: str | type  # "module:Class" (imported when first needed) or the class itself

    area: str = "tab"  # "main": shares the first tab with the heads grid; "tab": a tab of its own
    figure: str | None = None  # "module:function(ctx) -> Figure" for exports; None: the widget as drawn
    tooltip: str = ""
    layers: bool = False  # shows every layer (a model source's layers x heads)

    def load(self, attribute: str = "widget") -> Any:
        target = getattr(self, attribute)
        if not isinstance(target, str):
            return target
        module, _, name = target.partition(":")
        return getattr(importlib.import_module(module), name)


VIEWS: dict[str, ViewSpec] = {}


def register(spec: ViewSpec) -> ViewSpec:
    """Add (or replace) a view; the window, the exporter and the CLI pick it up."""
    VIEWS[spec.name] = spec
    return spec


def unregister(name: str) -> None:
    VIEWS.pop(name, None)


def view_names() -> list[str]:
    return list(VIEWS)


register(ViewSpec("heads", "Heads", "explorer.ui.heads_view:HeadsView", area="main",
                  figure="explorer.ui.figures.views:heads_figure",
                  tooltip="Every head's attention, one matrix per head"))
register(ViewSpec("compare", "Single vs multi", "explorer.ui.compare_view:CompareView", area="main",
                  figure="explorer.ui.figures.views:compare_figure",
                  tooltip="The same weights as h heads and regrouped into h' heads"))
register(ViewSpec("step", "Step through", "explorer.ui.stage_view:StepView",
                  figure="explorer.ui.figures.views:step_figure",
                  tooltip="Walk the computation stage by stage with the real numbers"))
register(ViewSpec("lines", "Lines", "explorer.ui.views.line_view:LineView", layers=True,
                  tooltip="Tokens in two columns; a line's opacity is the weight, its colour the head"))
register(ViewSpec("model", "Model", "explorer.ui.views.model_view:ModelView", layers=True,
                  tooltip="Every layer and head as a thumbnail; click one to open it"))
register(ViewSpec("scores", "Head scores", "explorer.ui.views.head_scores_view:HeadScoresView", layers=True,
                  tooltip="What each head does: previous-token, [CLS], duplicate, induction, entropy …"))
register(ViewSpec("train", "Train", "explorer.ui.train_view:TrainView",
                  tooltip="Train one head and several heads on the same task and watch only the heads solve it"))
