"""The idle lock: after N minutes without input (a setting) — or on Ctrl+L — every
Footprint window is hidden behind a lock that asks for the password. Nothing is closed,
so half-filled forms are exactly as they were when the window is unlocked."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.clock import utc_now
from app.core.errors import FootprintError
from app.core.services.accounts import unlock
from app.core.services.users import get_user
from app.ui.context import AppContext, as_footprint
from app.ui.widgets.field_errors import error_label

INPUT_EVENTS = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}


class IdleWatcher(QObject):
    """Notes the time of the last input anywhere in the app; `idle` fires once the
    setting's minutes have passed. Times come from app.core.clock (tests move it)."""

    idle = Signal()

    def __init__(self, minutes: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.minutes = minutes
        self.last_input = utc_now()
        self.timer = QTimer(self)
        self.timer.setInterval(5_000)
        self.timer.timeout.connect(self.check)
        self.timer.start()
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in INPUT_EVENTS:
            self.last_input = utc_now()
        return False

    def check(self, now: datetime | None = None) -> bool:
        """Fire `idle` if it is time; True if it fired."""
        if self.minutes <= 0:
            return False
        if (now or utc_now()) - self.last_input >= timedelta(minutes=self.minutes):
            self.last_input = now or utc_now()
            self.idle.emit()
            return True
        return False


class LockDialog(QDialog):
    """Shown while locked; only the signed-in user's password unlocks."""

    def __init__(self, context: AppContext, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Footprint is locked")
        self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)
        title = QLabel(f"<b>Footprint is locked.</b><br>Signed in as {name}.")
        title.setTextFormat(Qt.TextFormat.RichText)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password")
        self.message = error_label()
        self.unlock_button = QPushButton("Unlock")
        self.unlock_button.setDefault(True)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(QLabel("Your password"))
        layout.addWidget(self.password)
        layout.addWidget(self.message)
        layout.addWidget(self.unlock_button)
        self.unlock_button.clicked.connect(self.try_unlock)
        self.password.returnPressed.connect(self.try_unlock)

    def try_unlock(self) -> None:
        typed = self.password.text()
        self.password.clear()
        user_id = self.context.user_id
        try:  # failures are counted, as at sign-in
            refusal = as_footprint(self.context.database, lambda s: unlock(s, user_id, typed))
        except FootprintError as exc:
            self.message.setText(exc.message)
            self.message.show()
            return
        if refusal is None:
            self.accept()
        else:
            self.message.setText(
                "That password isn't right." if not refusal.wait_seconds else refusal.message
            )
            self.message.show()

    def reject(self) -> None:  # Esc doesn't unlock
        return


class Blind(QWidget):
    """Covers one window while Footprint is locked: nothing of it shows, and nothing in
    it (a half-typed form, an open dialog) is closed or changed."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setAutoFillBackground(True)
        self.setAccessibleName("Footprint is locked")
        label = QLabel("Footprint is locked.", self)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        self.setGeometry(window.rect())
        window.installEventFilter(self)
        self.raise_()
        self.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() is QEvent.Type.Resize and isinstance(watched, QWidget):
            self.setGeometry(watched.rect())
        return False


def stop_watching(watcher: IdleWatcher) -> None:
    """A window that is closing stops locking the app."""
    watcher.timer.stop()
    watcher.minutes = 0  # never idle again
    app = QApplication.instance()
    if app is not None:
        app.removeEventFilter(watcher)


def lock_all_windows(context: AppContext) -> None:
    """Cover every Footprint window (titles too: they name incidents) and ask for the
    signed-in user's password. Windows and dialogs are only covered, never closed, so
    anything half-typed is as it was once the password is typed."""
    try:
        name = context.read(lambda s: get_user(s, context.user_id)).display_name
    except FootprintError:
        name = "you"
    covered = [
        window
        for window in QApplication.topLevelWidgets()
        if window.isVisible() and not isinstance(window, LockDialog)
    ]
    titles = [window.windowTitle() for window in covered]
    for window in covered:
        window.setWindowTitle("Footprint (locked)")
    blinds = [Blind(window) for window in covered]
    try:
        LockDialog(context, name).exec()
    finally:
        for blind in blinds:
            blind.hide()
            blind.deleteLater()
        for window, title in zip(covered, titles, strict=True):
            window.setWindowTitle(title)
