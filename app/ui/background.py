"""Long work off the GUI thread, with a progress dialog, so the window stays responsive."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from PySide6.QtCore import QEventLoop, QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.core.errors import FootprintError
from app.core.mis_import.records import Cancelled, ImportCancelled, ImportFileError, Progress
from app.logging_setup import log, sanitised_traceback

T = TypeVar("T")


class _Worker(QObject, Generic[T]):
    finished = Signal()

    def __init__(self, work: Callable[[], T], failure: str) -> None:
        super().__init__()
        self.work = work
        self.failure = failure
        self.result: T | None = None
        self.error: str | None = None

    def run(self) -> None:
        try:
            self.result = self.work()
        except FootprintError as exc:
            self.error = exc.message
        except Exception as exc:  # reported to the user below, logged without values
            log.error(
                "background work failed: %s", sanitised_traceback(type(exc), exc.__traceback__)
            )
            self.error = self.failure
        self.finished.emit()


def run_with_progress(
    parent: QWidget | None,
    label: str,
    work: Callable[[], T],
    *,
    failure: str = "The work could not be finished; nothing was saved.",
) -> tuple[T | None, str | None]:
    """Run `work` on a worker thread while a busy dialog shows `label`; returns
    (result, None) or (None, the message for the user)."""
    dialog = QProgressDialog(label, "", 0, 0, parent)
    dialog.setWindowTitle("Footprint")
    dialog.setCancelButton(None)  # the work is one transaction: it finishes or rolls back
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(0)
    thread = QThread()
    worker: _Worker[T] = _Worker(work, failure)
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    worker.finished.connect(thread.quit)
    thread.finished.connect(dialog.accept)
    thread.start()
    dialog.exec()
    thread.wait()
    return worker.result, worker.error


@dataclass
class Outcome(Generic[T]):
    """How cancellable work ended: its result, or the message for the user (and the error,
    for a caller that tells a Conflict from the rest), or that the user cancelled it."""

    result: T | None = None
    error: str | None = None
    exception: Exception | None = None
    cancelled: bool = False


class _Bar(QObject):
    """Lives on the GUI thread, so the worker's progress reaches the dialog queued."""

    def __init__(self, dialog: QProgressDialog) -> None:
        super().__init__()
        self.dialog = dialog

    @Slot(int)
    def show_step(self, value: int) -> None:
        if self.dialog.maximum() == 0:
            self.dialog.setRange(0, _STEPS)
        self.dialog.setValue(value)


_STEPS = 1000


class _CancellableWorker(QObject, Generic[T]):
    finished = Signal()
    stepped = Signal(int)

    def __init__(
        self, work: Callable[[Progress, Cancelled], T], failure: str, stop: threading.Event
    ) -> None:
        super().__init__()
        self.work = work
        self.failure = failure
        self.stop = stop
        self.outcome: Outcome[T] = Outcome()
        self._last = -1

    def progress(self, done: int, total: int) -> None:
        # Only whole steps are sent: a reader may call this for every row.
        step = min(_STEPS, done * _STEPS // total) if total > 0 else 0
        if step != self._last:
            self._last = step
            self.stepped.emit(step)

    def run(self) -> None:
        try:
            self.outcome.result = self.work(self.progress, self.stop.is_set)
        except ImportCancelled:
            self.outcome.cancelled = True
        except (FootprintError, ImportFileError) as exc:
            self.outcome.error, self.outcome.exception = exc.message, exc
        except Exception as exc:  # reported to the user below, logged without values
            log.error(
                "background work failed: %s", sanitised_traceback(type(exc), exc.__traceback__)
            )
            self.outcome.error = self.failure
        if self.stop.is_set():  # whatever it got to, the user asked for none of it
            self.outcome = Outcome(cancelled=True)
        self.finished.emit()


def run_cancellable(
    parent: QWidget | None,
    label: str,
    work: Callable[[Progress, Cancelled], T],
    *,
    cancellable: bool = True,
    failure: str = "The work could not be finished; nothing was saved.",
) -> Outcome[T]:
    """Run `work(progress, cancelled)` on a worker thread while a progress dialog shows
    `label`, how far it has got (from `progress(done, total)`) and, if `cancellable`, a
    Cancel button that makes `cancelled()` true (the work then stops, with
    `ImportCancelled`, and nothing it did counts)."""
    dialog = QProgressDialog(label, "Cancel" if cancellable else "", 0, 0, parent)
    dialog.setWindowTitle("Footprint")
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    if not cancellable:
        dialog.setCancelButton(None)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(0)
    stop = threading.Event()
    thread = QThread()
    worker: _CancellableWorker[T] = _CancellableWorker(work, failure, stop)
    bar = _Bar(dialog)
    worker.stepped.connect(bar.show_step)
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    worker.finished.connect(thread.quit)
    thread.finished.connect(dialog.accept)
    dialog.canceled.connect(stop.set)
    thread.start()
    dialog.exec()
    if dialog.wasCanceled():
        stop.set()
    # Cancel closes the dialog before the work has stopped: wait for it with the events
    # still flowing (the thread is told to quit through them).
    waiting = QEventLoop()
    thread.finished.connect(waiting.quit)
    if not thread.isFinished():
        waiting.exec()
    thread.wait()
    dialog.deleteLater()
    return worker.outcome
