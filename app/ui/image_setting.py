"""A picture kept in the school's settings (the letterhead logo, the signature): shown
small, chosen from a file (PNG, JPEG, or SVG turned into PNG here), or removed."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt, Signal
from PySide6.QtGui import QImage, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QWidget

from app.core.errors import FootprintError, ValidationError
from app.core.services.school import find_settings, set_image
from app.ui.context import AppContext

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


#: SVG logos are drawn this many pixels on their longer side (crisp at 24 mm, 300 dpi).
SVG_PIXELS = 600


def svg_to_png(data: bytes) -> bytes | None:
    """An SVG drawn as a PNG with a transparent background; None if it isn't one."""
    renderer = QSvgRenderer(QByteArray(data))
    if not renderer.isValid():
        return None
    size = renderer.defaultSize()
    if size.isEmpty():
        size = QSize(SVG_PIXELS, SVG_PIXELS)
    size = size.scaled(SVG_PIXELS, SVG_PIXELS, Qt.AspectRatioMode.KeepAspectRatio)
    image = QImage(size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, cast(bytes, "PNG"))  # the stubs say bytes; PySide6 takes only str
    return bytes(buffer.data().data())


class ImageSetting(QWidget):
    """`message` carries an error (or "") for the form to show beside the row."""

    message = Signal(str)

    def __init__(self, context: AppContext, field: str, what: str) -> None:
        super().__init__()
        self.context = context
        self.field = field
        self.what = what
        self.thumbnail = QLabel()
        self.thumbnail.setFixedSize(160, 48)
        self.thumbnail.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.choose_button = QPushButton("Choose…")
        self.choose_button.setAccessibleName(f"Choose the {what}")
        self.remove_button = QPushButton("Remove")
        self.remove_button.setAccessibleName(f"Remove the {what}")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.thumbnail)
        row.addWidget(self.choose_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        self.choose_button.clicked.connect(self.choose)
        self.remove_button.clicked.connect(lambda: self.store(None))
        self.load()

    def load(self) -> None:
        field = self.field

        def stored(session: Session) -> bytes | None:
            settings = find_settings(session)
            return getattr(settings, field) if settings is not None else None

        self.show_image(self.context.read(stored))

    def show_image(self, data: bytes | None) -> None:
        pixmap = QPixmap()
        if data and pixmap.loadFromData(data):
            self.thumbnail.setPixmap(
                pixmap.scaled(
                    self.thumbnail.size(),
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        else:
            self.thumbnail.setText("(none)")
        self.remove_button.setEnabled(bool(data))

    def choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, f"Choose the {self.what}", "", "Pictures (*.png *.jpg *.jpeg *.svg)"
        )
        if path:
            self.use_file(Path(path))

    def use_file(self, path: Path) -> bool:
        try:
            data = path.read_bytes()
        except OSError as exc:
            self.message.emit(f"{path.name} could not be read ({exc.strerror or exc}).")
            return False
        if not data:
            self.message.emit(f"{path.name} is empty: it has no picture in it.")
            return False
        if path.suffix.lower() == ".svg" or data.lstrip()[:5] in (b"<?xml", b"<svg "):
            converted = svg_to_png(data)
            if converted is None:
                self.message.emit(f"{path.name} is not an SVG picture Footprint can draw.")
                return False
            data = converted
        return self.store(data)

    def store(self, data: bytes | None) -> bool:
        try:
            self.context.write(lambda s, a: set_image(s, a, self.field, data))
        except ValidationError as exc:
            self.message.emit(exc.message)
            return False
        except FootprintError as exc:
            self.message.emit(exc.message)
            return False
        self.message.emit("")
        self.show_image(data)
        return True
