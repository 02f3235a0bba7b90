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


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name pyside6-lupdate looks for
    """Marks a title for translation (context "Views") without importing Qt; the window
    translates it with QCoreApplication.translate("Views", title)."""
    return text


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


register(ViewSpec("heads", QT_TRANSLATE_NOOP("Views", "Heads"), "explorer.ui.heads_view:HeadsView",
                  area="main", figure="explorer.ui.figures.views:heads_figure",
                  tooltip=QT_TRANSLATE_NOOP("Views", "Every head's attention, one matrix per head")))
register(ViewSpec("compare", QT_TRANSLATE_NOOP("Views", "Single vs multi"), "explorer.ui.compare_view:CompareView",
                  area="main", figure="explorer.ui.figures.views:compare_figure",
                  tooltip=QT_TRANSLATE_NOOP("Views", "The same weights as h heads and regrouped into h' heads")))
register(ViewSpec("step", QT_TRANSLATE_NOOP("Views", "Step through"), "explorer.ui.stage_view:StepView",
                  figure="explorer.ui.figures.views:step_figure",
                  tooltip=QT_TRANSLATE_NOOP("Views", "Walk the computation stage by stage with the real numbers")))
register(ViewSpec("lines", QT_TRANSLATE_NOOP("Views", "Lines"), "explorer.ui.views.line_view:LineView", layers=True,
                  tooltip=QT_TRANSLATE_NOOP(
                      "Views", "Tokens in two columns; a line's opacity is the weight, its colour the head")))
register(ViewSpec("model", QT_TRANSLATE_NOOP("Views", "Model"), "explorer.ui.views.model_view:ModelView", layers=True,
                  tooltip=QT_TRANSLATE_NOOP("Views", "Every layer and head as a thumbnail; click one to open it")))
register(ViewSpec("scores", QT_TRANSLATE_NOOP("Views", "Head scores"),
                  "explorer.ui.views.head_scores_view:HeadScoresView", layers=True,
                  tooltip=QT_TRANSLATE_NOOP(
                      "Views", "What each head does: previous-token, [CLS], duplicate, induction, entropy …")))
register(ViewSpec("train", QT_TRANSLATE_NOOP("Views", "Train"), "explorer.ui.train_view:TrainView",
                  tooltip=QT_TRANSLATE_NOOP(
                      "Views", "Train one head and several heads on the same task and watch only the heads solve it")))
