"""Dialogs of the evidence panel: describing what must not be kept, and viewing an image
inside the app (never through a temporary file)."""

from __future__ import annotations

from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

NEVER_STORE_WARNING = (
    "Never add a nude or semi-nude image of anyone under 18, not even as evidence: "
    "making, keeping or sharing one is a criminal offence. Don't screenshot, copy or "
    "forward it. Describe what was seen, where and when, and follow the DSL's "
    "procedure for sharing nudes and semi-nudes."
)


class DescriptionDialog(QDialog):
    """Describe evidence that must not be kept, with the warning in plain view."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Describe evidence without keeping it")
        warning = QLabel(NEVER_STORE_WARNING)
        warning.setWordWrap(True)
        warning.setObjectName("neverStoreWarning")
        font = warning.font()
        font.setBold(True)
        warning.setFont(font)
        self.text = QPlainTextEdit()
        self.text.setAccessibleName("Description of what was seen")
        self.text.setPlaceholderText("What was seen, on which account, when, and who saw it")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(warning)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        self.resize(520, 320)


class ImageViewer(QDialog):
    """An image shown inside the app (never written to a temporary file)."""

    def __init__(self, title: str, content: bytes, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        pixmap = QPixmap()
        pixmap.loadFromData(content)
        label = QLabel()
        label.setPixmap(pixmap)
        label.setAccessibleName(title)
        scroll = QScrollArea()
        scroll.setWidget(label)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll)
        self.resize(min(pixmap.width() + 40, 1100), min(pixmap.height() + 40, 680))
