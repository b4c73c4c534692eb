"""Driving modal dialogs from a test: schedule what to do once the dialog is up."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any, TypeVar, overload

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

W = TypeVar("W", bound=QWidget)


@overload
def when_modal(act: Callable[[QWidget], object], *, tries: int = 200) -> None: ...
@overload
def when_modal(act: Callable[[W], object], *, kind: type[W], tries: int = 200) -> None: ...
def when_modal(
    act: Callable[[Any], object], *, kind: type[QWidget] = QWidget, tries: int = 200
) -> None:
    """Once a modal dialog of `kind` is showing, call `act(dialog)` (polls every 10 ms);
    `act` is typed as taking that kind, so a lambda can use the dialog's own fields."""

    def poll(left: int) -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, kind) and dialog.isVisible():
            try:
                act(dialog)
            except BaseException:
                dialog.close()  # a failed step must not leave the test waiting on exec()
                raise
        elif left:
            QTimer.singleShot(10, lambda: poll(left - 1))
        else:
            raise AssertionError(f"no {kind.__name__} dialog appeared")

    QTimer.singleShot(0, lambda: poll(tries))


def type_text(widget: QWidget, text: str) -> None:
    """Type `text` into `widget` key by key, including letters QTest can't name (Ł, ë, ś):
    those arrive as key events carrying their text, as from a Polish or French keyboard."""
    for char in text:
        if char.isascii():
            QTest.keyClicks(widget, char)  # the stubs lack keyClick's char overload
        else:
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                event = QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char)
                QApplication.sendEvent(widget, event)


def make_active(widget: QWidget) -> None:
    """Make `widget`'s window the active one, as a click on it would. The offscreen
    platform doesn't move activation on `activateWindow()`, and window shortcuts
    (Ctrl+S in an editor) only fire in the active window."""
    widget.activateWindow()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        QApplication.setActiveWindow(widget.window())


def press(
    widget: QWidget, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    """Press a key (shortcut) in `widget`'s window, making that window active first."""
    make_active(widget)
    QTest.keyClick(widget, key, modifier)
