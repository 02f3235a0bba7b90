"""The main window: controls on the left, the heads grid and the comparison side by side."""
from __future__ import annotations

import time

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QTabWidget,
)

from ..engine import Trace, TracePair
from ..examples import ExampleLibrary, load_examples
from ..state import ExplorerState
from .compare_view import CompareView
from .controls import ControlsPanel
from .examples_bar import ExamplesBar
from .export_actions import ExportController
from .heads_view import HeadsView
from .shortcuts import ShortcutsDialog
from .stage_view import StepView

SETTINGS_GROUP = "MainWindow"


class MainWindow(QMainWindow):
    """Owns the views and wires them to the state. State changes only mark the window dirty;
    one zero-delay timer then recomputes and redraws once with the newest values, so a fast
    drag never queues stale frames. The heads grid is drawn first; the comparison panel and the
    step-through follow on the next event-loop turn, so the grid being dragged is never kept
    waiting for them."""

    def __init__(self, state: ExplorerState | None = None, settings: QSettings | None = None,
                 library: ExampleLibrary | None = None) -> None:
        super().__init__()
        self.setObjectName("main_window")
        self.setWindowTitle(self.tr("Attention Explorer"))
        self.state = state or ExplorerState()
        self.settings = settings or QSettings()
        self.trace: Trace | None = None  # what the heads grid shows
        self.pair: TracePair | None = None  # what the comparison and the step-through show
        self.last_compute_ms = 0.0
        self.frames_drawn = 0

        # ---- views
        self.heads_view = HeadsView(self)
        self.compare_view = CompareView(self)
        self.split = QSplitter(Qt.Orientation.Horizontal, self)
        self.split.setObjectName("heads_compare_splitter")
        self.split.addWidget(self.heads_view)
        self.split.addWidget(self.compare_view)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 2)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("view_tabs")
        self.tabs.addTab(self.split, self.tr("Heads && single vs multi"))
        self.step_view = StepView(self)
        self.tabs.addTab(self.step_view, self.tr("Step through"))
        self.tabs.setTabToolTip(0, self.tr("Every head's attention next to the single head (Ctrl+1)"))
        self.tabs.setTabToolTip(1, self.tr("Walk the computation stage by stage with the real numbers (Ctrl+2)"))
        self.setCentralWidget(self.tabs)

        self.library = library if library is not None else load_examples()
        self.examples_bar = ExamplesBar(self.state, self.library, self)
        self.controls = ControlsPanel(self.state, self)
        self.controls.layout().insertWidget(0, self.examples_bar)
        scroll = QScrollArea(self)
        scroll.setWidget(self.controls)
        scroll.setWidgetResizable(True)
        self.controls_dock = QDockWidget(self.tr("Controls"), self)
        self.controls_dock.setObjectName("controls_dock")
        self.controls_dock.setWidget(scroll)

        self.controls_dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                                       | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.controls_dock)

        # ---- status bar
        self.hover_label = QLabel(self)
        self.hover_label.setObjectName("hover_label")
        self.shapes_label = QLabel(self)
        self.shapes_label.setObjectName("shapes_label")
        self.timing_label = QLabel(self)
        self.timing_label.setObjectName("timing_label")
        # fixed widths for the labels rewritten on every frame: a text of another length would
        # otherwise lay the status bar out (and repaint the window around it) each time
        metrics = self.timing_label.fontMetrics()
        self.timing_label.setFixedWidth(metrics.horizontalAdvance(
            self.tr("compute {0:.1f} ms · paint {1:.1f} ms").format(888.8, 888.8)) + 8)
        self.shapes_label.setFixedWidth(metrics.horizontalAdvance(self.tr(
            "n = {0} · d_model = {1} · h = {2} · d_k = {3}").format(888, 8888, 88, 8888)) + 8)
        self.statusBar().addWidget(self.hover_label, 1)
        self.statusBar().addPermanentWidget(self.shapes_label)
        self.statusBar().addPermanentWidget(self.timing_label)

        self._build_menus()
        self.exports = ExportController(self)  # File ▸ Export …, Copy image

        # ---- wiring: state changes -> one coalesced redraw
        self._update_timer = QTimer(self)
        self._update_timer.setSingleShot(True)
        self._update_timer.setInterval(0)
        self._update_timer.timeout.connect(lambda: self.flush(defer_rest=True))
        self._rest_timer = QTimer(self)
        self._rest_timer.setSingleShot(True)
        self._rest_timer.setInterval(0)
        self._rest_timer.timeout.connect(self.flush_rest)
        self.state.changed.connect(self._on_state_change)
        # ---- wiring: view interaction -> status bar
        self.heads_view.hovered.connect(self._on_hover)
        self.heads_view.painted.connect(lambda ms: self._update_labels())
        # ---- wiring: examples -> the step-through's query token
        self.examples_bar.exampleLoaded.connect(self._on_example_loaded)

        self._restore_settings()
        self.flush()
        self.compare_view.refresh_tables()  # nothing is being dragged yet: fill the tables now

    # ---- menus -------------------------------------------------------------------------------
    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        self.file_menu = file_menu
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

        for i, key in enumerate(("Ctrl+1", "Ctrl+2")):
            act = QAction(self.tabs.tabText(i).replace("&&", "&"), self)
            act.setShortcut(QKeySequence(key))
            act.triggered.connect(lambda checked=False, i=i: self.tabs.setCurrentIndex(i))
            view_menu.addAction(act)
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
        if example.query is not None:
            self.step_view.set_query(example.query)

    def _about(self) -> None:
        QMessageBox.about(self, self.tr("About Attention Explorer"), self.tr(
            "<b>Attention Explorer</b><p>See how self-attention and multi-head attention differ: "
            "change d_model, the number of heads and the tokens, and watch every head recomputed live.</p>"))

    # ---- updates -----------------------------------------------------------------------------
    def _on_state_change(self, fields: frozenset) -> None:
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
        if trace is not None:
            self.trace = trace
            self.heads_view.set_trace(trace)
            self.frames_drawn += 1
        self.last_compute_ms = (t1 - t0) * 1e3
        extra = None
        if error is not None and error.key == "engine":
            extra = self.tr("Cannot compute: {0} The last good picture stays on screen.").format(error.args[0])
        self.controls.show_notices(self.state.notices, extra)
        self._update_labels()
        if defer_rest:
            self._rest_timer.start()
        else:
            self.flush_rest()

    def flush_rest(self) -> None:
        """Bring the comparison panel and the step-through up to the current state."""
        self._rest_timer.stop()
        pair = self.state.pair()
        if pair is not None and pair != self.pair:  # a new trace on either side (traces compare by identity)
            self.pair = pair
            self.compare_view.set_pair(pair)
            self.step_view.set_pair(pair)  # draws now only if its tab is showing

    def _update_labels(self) -> None:
        s = self.state
        self.shapes_label.setText(self.tr("n = {0} · d_model = {1} · h = {2} · d_k = {3}").format(
            s.n_tokens, s.d_model, s.n_heads, s.d_k))
        self.timing_label.setText(self.tr("compute {0:.1f} ms · paint {1:.1f} ms").format(
            self.last_compute_ms, self.heads_view.last_paint_ms))

    def hover_text(self, head: int, row: int, col: int) -> str:
        """The readout for one cell of the current multi-head trace."""
        t = self.trace
        return self.tr('head {0} · query "{1}" → key "{2}" = {3:.3f}').format(
            head + 1, t.tokens[row], t.tokens[col], float(t.weights[head, row, col]))

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
        self.save_settings()
        super().closeEvent(event)
