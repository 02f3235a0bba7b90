"""Long work off the GUI thread: loading a model and running its forward pass over a text.

``ModelWorker`` runs one job at a time in a QThread and reports progress; ``cancel()`` asks the
job to stop at its next progress point (the model raises ModelCancelled). Results come back as
signals on the GUI thread. The window never waits: it keeps drawing the last good picture."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from .threads import begin_background, end_background


class _Job(QObject):
    progress = Signal(int, int, str)
    finished = Signal(object, object)  # (result, error message or None)

    def __init__(self, work: Callable[[Callable[[int, int, str], None], Callable[[], bool]], Any]) -> None:
        super().__init__()
        self._work = work
        self.cancelled = False

    @Slot()
    def run(self) -> None:
        from ..models.base import ModelCancelled

        try:
            result = self._work(lambda done, total, what: self.progress.emit(int(done), int(total), str(what)),
                                lambda: self.cancelled)
        except ModelCancelled:
            self.finished.emit(None, None)
        except (ValueError, OSError, MemoryError) as e:  # ModelError is a ValueError: a sentence for the user
            self.finished.emit(None, str(e) or type(e).__name__)
        except Exception as e:  # a bug must not kill the thread silently
            self.finished.emit(None, f"{type(e).__name__}: {e}")
        else:
            self.finished.emit(result, None)


class ModelWorker(QObject):
    """One background job at a time; a new job cancels the one running."""

    progress = Signal(int, int, str)
    done = Signal(object, object, object)  # (tag, result, error message or None); cancelled: (tag, None, None)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: QThread | None = None
        self._job: _Job | None = None
        self._tag: object = None
        self._queued: tuple[object, Callable[..., Any]] | None = None

    @property
    def busy(self) -> bool:
        return self._thread is not None

    def start(self, tag: object, work: Callable[..., Any]) -> None:
        """Run ``work(progress, cancelled)`` in a thread; ``done(tag, result, error)`` follows."""
        if self._thread is not None:
            self._queued = (tag, work)  # the newest request wins; the running one is asked to stop
            self.cancel()
            return
        self._tag = tag
        begin_background()  # no garbage collection in the worker thread (see explorer.ui.threads)
        thread = QThread()
        job = _Job(work)
        job.moveToThread(thread)
        thread.started.connect(job.run)
        job.progress.connect(self.progress)
        job.finished.connect(self._finished)
        self._thread, self._job = thread, job
        thread.start()

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancelled = True

    @Slot(object, object)
    def _finished(self, result: object, error: object) -> None:
        thread, tag = self._thread, self._tag
        self._thread = self._job = None
        if thread is not None:
            thread.quit()
            thread.wait()
            end_background()
        queued, self._queued = self._queued, None
        self.done.emit(tag, result, error)
        if queued is not None:
            self.start(*queued)

    def wait(self, ms: int = 30000) -> bool:
        """Block until idle (tests and shutdown)."""
        from PySide6.QtCore import QCoreApplication, QDeadlineTimer

        deadline = QDeadlineTimer(ms)
        while self._thread is not None and not deadline.hasExpired():
            QCoreApplication.processEvents()
            QThread.msleep(5)
        return self._thread is None

    def shutdown(self) -> None:
        """Stop for good (the window is closing): cancel the job and wait for its thread, which
        stops at the job's next progress point."""
        self._queued = None
        self.cancel()
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait(120000)
            self._thread = self._job = None
            end_background()
