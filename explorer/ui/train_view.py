"""The Train tab: train 1, 2, 4 (or 8) heads side by side, live, and see why multi-head helps.

The Trainer runs in a worker QObject on its own QThread, in chunks of about 100 ms; after
each chunk it sends a snapshot (new loss points, held-out accuracy points, the attention maps of
a held-out example) to the GUI thread, which only draws. The GUI thread touches the Trainer
itself only while the worker is idle (ablation, save, reset), so nothing is shared while it runs.
"""
from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ..train.checkpoints import checkpoint_path, shipped_heads
from ..train.tasks import TASK_NAMES, get_task, symbol
from ..train.trained_model import TrainedModel
from ..train.trainer import Run, TrainConfig, Trainer
from .i18n import ui_language
from .matrix_plot import MatrixPlot
from .style import WEIGHTS_CMAP, lut
from .threads import begin_background, end_background

HEAD_CHOICES = (1, 2, 4, 8)
DEFAULT_HEADS = (1, 2, 4)
# one colour per head count (Okabe-Ito: distinguishable with colour-vision deficiencies)
HEAD_COLOURS = {1: (213, 94, 0), 2: (0, 114, 178), 4: (0, 158, 115), 8: (204, 121, 167)}
TARGET_STYLES = (Qt.PenStyle.SolidLine, Qt.PenStyle.DashLine, Qt.PenStyle.DotLine, Qt.PenStyle.DashDotLine)
CHUNK_SECONDS = 0.1  # the worker reports ~10 times a second: smooth curves, few repaints
SWITCH_SECONDS = 0.0005  # the interpreter's thread switch interval while training (default 0.005)
DRAW_MS = 20  # the GUI thread gets this long to paint a snapshot before the worker computes again


def _colour(h: int) -> tuple[int, int, int]:
    return HEAD_COLOURS.get(h, (90, 90, 90))


@dataclass
class Snapshot:
    """What the worker sends after a chunk: plain data, owned by the receiver."""

    step: int
    steps: int
    done: bool
    loss: dict[int, tuple[list[int], list[float]]] = field(default_factory=dict)  # h -> new (steps, losses)
    evals: dict[int, list[tuple[int, dict[str, float]]]] = field(default_factory=dict)  # h -> new eval points
    maps: dict[int, np.ndarray] = field(default_factory=dict)  # h -> (h, n, n) on the example
    seconds: float = 0.0


class TrainWorker(QObject):
    """Runs the trainer in chunks on its thread until stopped or done."""

    progress = Signal(object)  # Snapshot
    finished = Signal(bool)  # True when every run reached its last step

    def __init__(self) -> None:
        super().__init__()
        self.trainer: Trainer | None = None
        self.example: np.ndarray | None = None
        self._stop = threading.Event()
        # Set by the GUI thread once it has drawn the last snapshot. The worker waits for it before
        # the next chunk: Python lets only one thread run at a time, and a worker computing while
        # the GUI paints makes every paint wait for the interpreter lock again and again (a
        # 10 ms repaint became 150-300 ms). Taking turns keeps each paint as fast as when idle.
        self._drawn = threading.Event()
        self._eval_seen: dict[int, int] = {}
        self.busy = False

    def request_stop(self) -> None:
        self._stop.set()
        self._drawn.set()

    def drawn(self) -> None:
        """Called (from any thread) when the last snapshot is on screen."""
        self._drawn.set()

    @Slot()
    def train(self) -> None:
        trainer = self.trainer
        if trainer is None:
            return
        self.busy = True
        self._stop.clear()
        t_start = time.perf_counter()
        # While the worker computes, every time the GUI thread needs the interpreter (each Python
        # call of a paint) it waits until the worker is asked to let go: 5 ms by default, so one
        # paint could take 50 ms. A 0.5 ms switch interval bounds that wait; restored when idle.
        switch = sys.getswitchinterval()
        sys.setswitchinterval(min(switch, SWITCH_SECONDS))
        try:
            while not self._stop.is_set() and not trainer.done:
                t0 = time.perf_counter()
                snap = Snapshot(step=0, steps=trainer.cfg.steps, done=False)
                new: dict[int, list[Any]] = {h: [] for h in trainer.runs}
                # small chunks, so Stop answers within one chunk and the curves move smoothly
                while time.perf_counter() - t0 < CHUNK_SECONDS and not trainer.done and not self._stop.is_set():
                    for h, run in trainer.runs.items():
                        new[h] += run.step(1)
                        time.sleep(0)  # hand the interpreter to the GUI thread if it is waiting for it
                for h, run in trainer.runs.items():
                    pts = new[h]
                    if pts:
                        # one mean point per chunk: long runs do not grow the curves by one point per step
                        snap.loss[h] = ([pts[-1].step], [float(np.mean([p.loss for p in pts]))])
                    seen = self._eval_seen.get(h, 0)
                    snap.evals[h] = list(run.eval_history[seen:])
                    self._eval_seen[h] = len(run.eval_history)
                    if self.example is not None:
                        snap.maps[h] = run.attention(self.example)
                snap.step = trainer.step_count
                snap.done = trainer.done
                snap.seconds = time.perf_counter() - t_start
                self._drawn.clear()
                self.progress.emit(snap)
                self._drawn.wait(1.0)  # a GUI that is gone or hidden never blocks training for long
        finally:
            sys.setswitchinterval(switch)
            self.busy = False
        self.finished.emit(trainer.done)

    def forget_evals(self) -> None:
        self._eval_seen = {}


class TrainView(QWidget):
    """Train several head counts side by side and watch loss, accuracy and attention patterns."""

    modelReady = Signal(object)  # a TrainedModel (a snapshot of the chosen run)
    _start_worker = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("train_view")
        self.trainer: Trainer | None = None
        self.example: np.ndarray | None = None
        self._running = False
        self._pending = 0  # worker loops asked for and not yet finished
        self._loss: dict[int, tuple[list[int], list[float]]] = {}
        self._acc: dict[int, dict[str, tuple[list[int], list[float]]]] = {}
        self._loss_curves: dict[int, pg.PlotDataItem] = {}
        self._acc_curves: dict[tuple[int, str], pg.PlotDataItem] = {}
        self._maps: dict[int, list[MatrixPlot]] = {}
        self._build()
        self._thread = QThread(self)
        self._thread.setObjectName("train_worker")
        self.worker = TrainWorker()
        self.worker.moveToThread(self._thread)
        self._start_worker.connect(self.worker.train)
        self.worker.progress.connect(self._on_progress)
        self.worker.finished.connect(self._on_finished)
        # the thread runs only while training: an idle tab owns no running thread, so a window
        # that is closed or garbage-collected never destroys a running QThread
        app = QCoreApplication.instance()
        if app is not None:  # a running QThread must not outlive the application
            app.aboutToQuit.connect(self.shutdown)
        self._on_task_changed()
        self._update_buttons()

    # ----- layout -----

    def _build(self) -> None:
        root = QHBoxLayout(self)
        root.setContentsMargins(6, 6, 6, 6)
        side = QWidget()
        side.setFixedWidth(340)
        col = QVBoxLayout(side)
        col.setContentsMargins(0, 0, 0, 0)

        task_box = QGroupBox(self.tr("Task"))
        tl = QVBoxLayout(task_box)
        self.task_combo = QComboBox()
        for name in TASK_NAMES:
            title = QCoreApplication.translate("Tasks", get_task(name).title)
            self.task_combo.addItem(self.tr("{0} — {1}").format(name, title), name)
        self.task_combo.setToolTip(self.tr("What the model must learn. Each task comes with an explanation below."))
        self.task_combo.currentIndexChanged.connect(self._on_task_changed)
        tl.addWidget(self.task_combo)
        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        self.explanation.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.explanation.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.explanation.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        tl.addWidget(self.explanation)
        col.addWidget(task_box)

        setup = QGroupBox(self.tr("Compare"))
        form = QFormLayout(setup)
        heads_row = QHBoxLayout()
        self.head_checks: dict[int, QCheckBox] = {}
        for h in HEAD_CHOICES:
            cb = QCheckBox(str(h))
            cb.setChecked(h in DEFAULT_HEADS)
            cb.setToolTip(self.tr("Train a model with this many heads. Every head count has the same parameter "
                                  "count: more heads means narrower heads (d_k = d_model / h)."))
            cb.toggled.connect(self._update_buttons)
            self.head_checks[h] = cb
            heads_row.addWidget(cb)
        heads_row.addStretch(1)
        form.addRow(self.tr("Heads h"), heads_row)
        d = TrainConfig()
        self.d_model_spin = QSpinBox()
        self.d_model_spin.setRange(8, 128)
        self.d_model_spin.setSingleStep(8)
        self.d_model_spin.setValue(d.d_model)
        self.d_model_spin.setToolTip(self.tr("Model width d_model, split into h heads of d_k = d_model / h."))
        form.addRow(self.tr("d_model"), self.d_model_spin)
        self.steps_spin = QSpinBox()
        self.steps_spin.setRange(1, 1_000_000)
        self.steps_spin.setSingleStep(100)
        self.steps_spin.setValue(d.steps)
        self.steps_spin.setToolTip(self.tr("Optimiser steps (batches of 64 sequences) for every head count."))
        form.addRow(self.tr("Steps"), self.steps_spin)
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, 2**31 - 1)
        self.seed_spin.setValue(d.seed)
        self.seed_spin.setToolTip(self.tr("Seed of the data and the initial weights: every head count starts from "
                                          "the same numbers and sees the same batches."))
        form.addRow(self.tr("Seed"), self.seed_spin)
        self.lr_spin = QDoubleSpinBox()
        self.lr_spin.setDecimals(4)
        self.lr_spin.setRange(0.0001, 1.0)
        self.lr_spin.setSingleStep(0.001)
        self.lr_spin.setValue(d.lr)
        self.lr_spin.setToolTip(self.tr("Adam learning rate."))
        form.addRow(self.tr("Learning rate"), self.lr_spin)
        col.addWidget(setup)

        buttons = QHBoxLayout()
        self.start_button = QPushButton(self.tr("Start"))
        self.start_button.setToolTip(self.tr("Train every chosen head count from step 0, side by side."))
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.setToolTip(self.tr("Pause training; Resume continues from here."))
        self.resume_button = QPushButton(self.tr("Resume"))
        self.resume_button.setToolTip(self.tr("Continue training from the current step."))
        self.reset_button = QPushButton(self.tr("Reset"))
        self.reset_button.setToolTip(self.tr("Back to step 0: initial weights, curves cleared."))
        for b, fn in ((self.start_button, self.start), (self.stop_button, self.stop),
                      (self.resume_button, self.resume), (self.reset_button, self.reset)):
            b.clicked.connect(fn)
            buttons.addWidget(b)
        col.addLayout(buttons)
        self.status = QLabel(self.tr("Choose a task and press Start."))
        self.status.setWordWrap(True)
        col.addWidget(self.status)

        abl = QGroupBox(self.tr("Head ablation (held-out accuracy)"))
        al = QFormLayout(abl)
        self.run_combo = QComboBox()
        self.run_combo.setToolTip(self.tr("The trained model (head count) to inspect, save or open in other tabs."))
        self.run_combo.currentIndexChanged.connect(self._fill_head_combo)
        al.addRow(self.tr("Model"), self.run_combo)
        self.head_combo = QComboBox()
        self.head_combo.setToolTip(self.tr("Switch this head off (its output set to zero before W_O) and measure "
                                           "held-out accuracy again (Michel et al. 2019)."))
        al.addRow(self.tr("Switch off"), self.head_combo)
        self.ablate_button = QPushButton(self.tr("Measure"))
        self.ablate_button.setToolTip(self.tr("Held-out accuracy on 2,000 sequences with all heads and without "
                                              "the chosen head. Available while training is stopped."))
        self.ablate_button.clicked.connect(self.measure_ablation)
        al.addRow(self.ablate_button)
        self.ablation_label = QLabel("")
        self.ablation_label.setWordWrap(True)
        self.ablation_label.setTextFormat(Qt.TextFormat.PlainText)
        al.addRow(self.ablation_label)
        col.addWidget(abl)

        files = QGroupBox(self.tr("Weights"))
        fl = QVBoxLayout(files)
        self.shipped_button = QPushButton(self.tr("Show trained patterns instantly"))
        self.shipped_button.setToolTip(self.tr("Load the checkpoints shipped with the app for this task "
                                               "(trained with seed 0) instead of training."))
        self.shipped_button.clicked.connect(self.load_shipped)
        fl.addWidget(self.shipped_button)
        row = QHBoxLayout()
        self.save_button = QPushButton(self.tr("Save…"))
        self.save_button.setToolTip(self.tr("Save the chosen model's weights to a .npz file."))
        self.save_button.clicked.connect(self._ask_save)
        self.load_button = QPushButton(self.tr("Load…"))
        self.load_button.setToolTip(self.tr("Load weights saved by this tab or by 'train --save'."))
        self.load_button.clicked.connect(self._ask_load)
        self.open_button = QPushButton(self.tr("Use in other tabs"))
        self.open_button.setToolTip(self.tr("Show the chosen model in the heads grid and the step-through."))
        self.open_button.clicked.connect(self.emit_model)
        for b in (self.save_button, self.load_button, self.open_button):
            row.addWidget(b)
        fl.addLayout(row)
        col.addWidget(files)
        col.addStretch(1)
        root.addWidget(side)

        right = QSplitter(Qt.Orientation.Vertical)
        curves = pg.GraphicsLayoutWidget()
        curves.setObjectName("train_curves")
        self.loss_plot = curves.addPlot(title=self.tr("Training loss (cross-entropy)"), enableMenu=False)
        self.loss_plot.setLabel("bottom", self.tr("step"))
        self.loss_plot.setLogMode(y=True)
        self.loss_plot.showGrid(x=True, y=True, alpha=0.25)
        self.loss_legend = self.loss_plot.addLegend(offset=(-10, 90))  # the empty middle: h=1 stays high
        self.acc_plot = curves.addPlot(title=self.tr("Held-out accuracy per target"), enableMenu=False)
        self.acc_plot.setLabel("bottom", self.tr("step"))
        self.acc_plot.setYRange(0, 1.05, padding=0)
        self.acc_plot.showGrid(x=True, y=True, alpha=0.25)
        self.acc_legend = self.acc_plot.addLegend(offset=(-10, 40), colCount=2)  # below the curves at 1
        for p in (self.loss_plot, self.acc_plot):
            p.hideButtons()
        right.addWidget(curves)
        self.patterns = pg.GraphicsLayoutWidget()
        self.patterns.setObjectName("train_patterns")
        right.addWidget(self.patterns)
        right.setSizes([380, 500])
        self.patterns_title = QLabel("")
        wrap = QWidget()
        wl = QVBoxLayout(wrap)
        wl.setContentsMargins(0, 0, 0, 0)
        wl.addWidget(right, 1)
        wl.addWidget(self.patterns_title)
        root.addWidget(wrap, 1)
        self._lut = lut(WEIGHTS_CMAP)

    # ----- settings -----

    def task_name(self) -> str:
        return str(self.task_combo.currentData())

    def chosen_heads(self) -> tuple[int, ...]:
        return tuple(h for h, cb in self.head_checks.items() if cb.isChecked())

    def set_heads(self, heads: tuple[int, ...]) -> None:
        for h, cb in self.head_checks.items():
            cb.setChecked(h in heads)

    def config(self) -> TrainConfig:
        return TrainConfig(task=self.task_name(), d_model=self.d_model_spin.value(), steps=self.steps_spin.value(),
                           seed=self.seed_spin.value(), lr=self.lr_spin.value())

    def _on_task_changed(self) -> None:
        task = get_task(self.task_name())
        text = task.explanation_zh if ui_language() == "zh" else task.explanation
        self.explanation.setText(text)
        self.explanation.setToolTip(task.explanation_zh if ui_language() != "zh" else task.explanation)
        self.set_heads(tuple(h for h in task.suggested_heads if h in HEAD_CHOICES))
        self.shipped_button.setEnabled(bool(shipped_heads(task.name)))

    # ----- training control -----

    @property
    def running(self) -> bool:
        return self._running

    def start(self) -> None:
        """Train every chosen head count from step 0."""
        if self._running:
            return
        heads = self.chosen_heads()
        d_model = self.d_model_spin.value()
        bad = [h for h in heads if d_model % h]
        if not heads or bad:
            msg = (self.tr("Choose at least one head count.") if not heads else
                   self.tr("d_model = {0} cannot be split into {1} heads; choose a d_model divisible by them.")
                   .format(d_model, ", ".join(map(str, bad))))
            self.status.setText(msg)
            return
        try:
            cfg = self.config()
        except ValueError as e:
            self.status.setText(str(e))
            return
        self._install(Trainer(cfg, heads))
        self.resume()

    def _install(self, trainer: Trainer) -> None:
        """Show ``trainer`` (fresh or loaded): curves cleared, patterns laid out for its runs."""
        self.trainer = trainer
        first = next(iter(trainer.runs.values()))
        self.example = first.example(0)
        self.worker.trainer = trainer
        self.worker.example = self.example
        self.worker.forget_evals()
        self._clear_curves()
        history = any(r.history for r in trainer.runs.values()) or trainer.step_count == 0
        self.loss_plot.setTitle(self.tr("Training loss (cross-entropy)") if history else
                                self.tr("Training loss: no history in loaded weights"))
        self.acc_plot.enableAutoRange(x=True)
        if not history:
            self.acc_plot.setXRange(0, max(1, trainer.step_count), padding=0.02)
        self._layout_patterns()
        self.run_combo.blockSignals(True)
        self.run_combo.clear()
        for h in trainer.runs:
            self.run_combo.addItem(self.tr("h = {0}").format(h), h)
        self.run_combo.setCurrentIndex(self.run_combo.count() - 1)
        self.run_combo.blockSignals(False)
        self._fill_head_combo()
        self.ablation_label.setText("")
        self._show_maps({h: r.attention(self.example) for h, r in trainer.runs.items()})
        for h, r in trainer.runs.items():  # loaded runs bring their accuracy points along
            self._add_points(h, [], [], r.eval_history)
        self._redraw_curves()

    def stop(self) -> None:
        if self._running:
            self.worker.request_stop()
            self.status.setText(self.tr("Stopping…"))

    def resume(self) -> None:
        if self._running or self.trainer is None or self.trainer.done:
            return
        self.trainer.resume()
        self._running = True
        self._pending += 1
        self._update_buttons()
        if not self._thread.isRunning():
            begin_background()  # no garbage collection in the training thread (explorer.ui.threads)
            self._thread.start()
        self._start_worker.emit()

    def reset(self) -> None:
        """Back to step 0 with the same settings (waits for a running chunk to finish)."""
        self._wait_idle()
        if self.trainer is None:
            return
        self.trainer.reset()
        self._install(self.trainer)
        self.status.setText(self.tr("Reset to step 0."))
        self._update_buttons()

    def _wait_idle(self, timeout: float = 5.0) -> None:
        """Stop the worker and wait until it has left its loop (a chunk lasts about 100 ms)."""
        if not self._running:
            return
        self.worker.request_stop()
        deadline = time.perf_counter() + timeout
        while self.worker.busy and time.perf_counter() < deadline:
            QThread.msleep(5)
        self._running = False
        self._pending = 0  # the finished signal still queued is then ignored as stale
        self._update_buttons()

    def _stop_thread(self) -> None:
        """Idle again: the thread stops until the next Start or Resume."""
        if self._thread.isRunning():
            self._thread.quit()
            self._thread.wait(30000)
            end_background()

    def shutdown(self) -> None:
        """Stop the worker thread (the tab's owner calls this on close; also run on destruction)."""
        self.worker.request_stop()
        self._stop_thread()
        self._running = False

    def closeEvent(self, event: Any) -> None:
        self.shutdown()
        super().closeEvent(event)

    def _update_buttons(self) -> None:
        has = self.trainer is not None
        running = self._running
        done = has and self.trainer is not None and self.trainer.done
        self.start_button.setEnabled(not running and bool(self.chosen_heads()))
        self.stop_button.setEnabled(running)
        self.resume_button.setEnabled(not running and has and not done)
        self.reset_button.setEnabled(has)
        for w in (self.ablate_button, self.save_button, self.open_button):
            w.setEnabled(not running and has)
        for w in (self.load_button, self.shipped_button, self.task_combo, self.d_model_spin, self.steps_spin,
                  self.seed_spin, self.lr_spin, *self.head_checks.values()):
            w.setEnabled(not running)
        if not running:
            self.shipped_button.setEnabled(bool(shipped_heads(self.task_name())))

    @Slot(object)
    def _on_progress(self, snap: Snapshot) -> None:
        for h, (steps, losses) in snap.loss.items():
            self._add_points(h, steps, losses, snap.evals.get(h, []))
        for h, pts in snap.evals.items():
            if h not in snap.loss:
                self._add_points(h, [], [], pts)
        self._redraw_curves()
        self._show_maps(snap.maps)
        rate = snap.step / snap.seconds if snap.seconds > 0 else 0.0
        self.status.setText(self.tr("Step {0} of {1} ({2:.0f} steps/s for every head count).")
                            .format(snap.step, snap.steps, rate))
        # the repaint this update asked for is queued: give it the interpreter alone for a moment
        # (a slot of this view: a slot of the worker would run in the worker's thread, which is waiting)
        QTimer.singleShot(DRAW_MS, self._release_worker)

    def _release_worker(self) -> None:
        self.worker.drawn()

    @Slot(bool)
    def _on_finished(self, done: bool) -> None:
        if self._pending == 0:  # stale: the view already waited for this loop (reset, load)
            return
        self._pending -= 1
        if self._pending:  # a newer loop was started after this one was stopped: it is still running
            return
        self._running = False
        self._stop_thread()
        self._update_buttons()
        if self.trainer is None:
            return
        if done:
            accs = []
            for h, r in self.trainer.runs.items():
                if r.eval_history:
                    acc = r.eval_history[-1][1]
                    accs.append(self.tr("h={0}: {1}").format(h, " ".join(f"{t} {a:.2f}" for t, a in acc.items())))
            self.status.setText(self.tr("Done: step {0}. Held-out accuracy: {1}.")
                                .format(self.trainer.step_count, "; ".join(accs)))
        else:
            self.status.setText(self.tr("Stopped at step {0}; Resume continues.").format(self.trainer.step_count))

    # ----- curves -----

    def _clear_curves(self) -> None:
        self._loss.clear()
        self._acc.clear()
        for plot, legend in ((self.loss_plot, self.loss_legend), (self.acc_plot, self.acc_legend)):
            plot.clear()
            legend.clear()
        self._loss_curves.clear()
        self._acc_curves.clear()
        if self.trainer is None:
            return
        targets = self.trainer.cfg.task_def.targets
        for h in self.trainer.runs:
            pen = pg.mkPen(_colour(h), width=2)
            self._loss_curves[h] = self.loss_plot.plot([], [], pen=pen, name=self.tr("h = {0}").format(h))
            for i, t in enumerate(targets):
                style = TARGET_STYLES[i % len(TARGET_STYLES)]
                # dots as well as lines: a loaded model has a single accuracy point, still visible
                self._acc_curves[(h, t)] = self.acc_plot.plot(
                    [], [], pen=pg.mkPen(_colour(h), width=2, style=style), symbol="o", symbolSize=4,
                    symbolBrush=_colour(h), symbolPen=None, name=self.tr("h={0} {1}").format(h, t))

    def _add_points(self, h: int, steps: list[int], losses: list[float],
                    evals: list[tuple[int, dict[str, float]]]) -> None:
        xs, ys = self._loss.setdefault(h, ([], []))
        xs += steps
        ys += [max(v, 1e-8) for v in losses]  # log axis: no zeros
        acc = self._acc.setdefault(h, {})
        for step, point in evals:
            for t, a in point.items():
                ax, ay = acc.setdefault(t, ([], []))
                ax.append(step)
                ay.append(a)

    def _redraw_curves(self) -> None:
        for h, curve in self._loss_curves.items():
            xs, ys = self._loss.get(h, ([], []))
            curve.setData(xs, ys)
        for (h, t), curve in self._acc_curves.items():
            ax, ay = self._acc.get(h, {}).get(t, ([], []))
            curve.setData(ax, ay)

    def curve_points(self, h: int) -> int:
        """How many loss points the curve of ``h`` heads has (for tests and status)."""
        curve = self._loss_curves.get(h)
        if curve is None or curve.xData is None:
            return 0
        return len(curve.xData)

    # ----- attention patterns -----

    def _layout_patterns(self) -> None:
        self.patterns.clear()
        self._maps.clear()
        if self.trainer is None or self.example is None:
            return
        labels = [symbol(int(t)) for t in self.example]
        cols = max(self.trainer.runs)
        for r, (h, _run) in enumerate(self.trainer.runs.items()):
            label = self.patterns.addLabel(self.tr("h = {0}").format(h), row=r, col=0, angle=-90,
                                           color=pg.mkColor(_colour(h)), size="10pt")
            label.setFixedWidth(22)
            plots = []
            for i in range(h):
                p = MatrixPlot(self.tr("head {0}").format(i), lut=self._lut)
                p.set_labels(labels, labels)
                self.patterns.addItem(p, row=r, col=1 + i)
                plots.append(p)
            for i in range(h, cols):  # keep the cells square: empty slots fill the rest of the row
                self.patterns.addItem(pg.GraphicsWidget(), row=r, col=1 + i)
            self._maps[h] = plots
        task = self.trainer.cfg.task_def
        self.patterns_title.setText(
            self.tr("Attention weights on the held-out example \u201c{0}\u201d (rows: queries, columns: keys; "
                    "colour 0 to 1, viridis). Task: {1}.").format(" ".join(labels), task.name))

    def _show_maps(self, maps: dict[int, np.ndarray]) -> None:
        for h, w in maps.items():
            for i, p in enumerate(self._maps.get(h, [])):
                p.set_matrix(w[i], (0.0, 1.0))

    def pattern_image(self, h: int, head: int) -> np.ndarray | None:
        """The data the image of ``head`` in the ``h``-head row shows (for tests)."""
        plots = self._maps.get(h, [])
        if head >= len(plots):
            return None
        img = plots[head].image.image
        return None if img is None else np.asarray(img)

    # ----- ablation, models, files -----

    def selected_run(self) -> Run | None:
        if self.trainer is None or self.run_combo.currentIndex() < 0:
            return None
        return self.trainer.runs.get(int(self.run_combo.currentData()))

    def _fill_head_combo(self) -> None:
        run = self.selected_run()
        self.head_combo.clear()
        if run is None:
            return
        for i in range(run.heads):
            self.head_combo.addItem(self.tr("head {0}").format(i), i)

    def measure_ablation(self) -> dict[str, dict[str, float]] | None:
        """Held-out accuracy of the chosen run with all heads and without the chosen head."""
        run = self.selected_run()
        if run is None or self._running:
            return None
        head = int(self.head_combo.currentData()) if self.head_combo.count() else 0
        full = run.evaluate()
        without = run.ablate(head) if run.heads > 1 or head == 0 else full
        lines = [self.tr("h = {0}, step {1}: all heads → without head {2}").format(run.heads, run.step_count, head)]
        for t in full:
            lines.append(self.tr("{0}: {1:.1%} → {2:.1%}").format(t, full[t], without[t]))
        self.ablation_label.setText("\n".join(lines))
        return {"all": full, "without": without}

    def selected_model(self) -> TrainedModel | None:
        run = self.selected_run()
        return None if run is None else TrainedModel(run.copy())

    def emit_model(self) -> None:
        model = self.selected_model()
        if model is not None:
            self.modelReady.emit(model)

    def save_weights(self, path: str | Path) -> None:
        run = self.selected_run()
        if run is None:
            return
        run.save(path)
        self.status.setText(self.tr("Saved h = {0} to {1}.").format(run.heads, str(path)))

    def load_weights(self, paths: list[str | Path]) -> None:
        """Load saved runs (one file per head count) and show them; ValueError if any is bad."""
        runs = [Run.load(p) for p in paths]
        self._show_loaded(runs)
        self.status.setText(self.tr("Loaded {0} model(s) at step {1}.").format(len(runs), runs[0].step_count))
        self.emit_model()

    def load_shipped(self) -> None:
        """Show the shipped checkpoints of the current task (trained already: patterns at once)."""
        self._wait_idle()
        task = self.task_name()
        runs = [Run.load(checkpoint_path(task, h)) for h in shipped_heads(task)]
        if not runs:
            self.status.setText(self.tr("No checkpoints are shipped for this task."))
            return
        self._show_loaded(runs)
        self.status.setText(self.tr("Shipped checkpoints of {0} (seed 0, step {1}): press Measure to ablate a "
                                    "head, or Start to train your own.").format(task, runs[0].step_count))
        self.emit_model()

    def _show_loaded(self, runs: list[Run]) -> None:
        self._wait_idle()
        cfg = runs[0].cfg
        if any(r.cfg.task != cfg.task or r.cfg.d_model != cfg.d_model for r in runs):
            raise ValueError(self.tr("The files hold different tasks or widths; load models of one task and d_model."))
        runs = sorted({r.heads: r for r in runs}.values(), key=lambda r: r.heads)
        trainer = Trainer(cfg, tuple(r.heads for r in runs))
        for r in runs:
            if not r.eval_history:
                r.eval_history.append((r.step_count, r.evaluate(limit=500)))
            trainer.runs[r.heads] = r
        idx = self.task_combo.findData(cfg.task)
        self.task_combo.blockSignals(True)
        self.task_combo.setCurrentIndex(idx)
        self.task_combo.blockSignals(False)
        self._on_task_changed()
        self.set_heads(tuple(r.heads for r in runs))
        self._install(trainer)
        self._update_buttons()

    def _ask_save(self) -> None:
        run = self.selected_run()
        if run is None:
            return
        name = f"{run.cfg.task}-h{run.heads}.npz"
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save weights"), name, self.tr("Weights (*.npz)"))
        if not path:
            return
        try:
            self.save_weights(path)
        except Exception as e:  # an ExportError or ValueError: one sentence for the user
            QMessageBox.warning(self, self.tr("Save weights"), str(e))

    def _ask_load(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, self.tr("Load weights"), "", self.tr("Weights (*.npz)"))
        if not paths:
            return
        try:
            self.load_weights(list(paths))
        except ValueError as e:
            QMessageBox.warning(self, self.tr("Load weights"), str(e))
