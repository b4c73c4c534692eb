"""Showing and printing PDFs made by app.documents: QtPdf renders the pages, so what the
preview shows and what the printer gets are the same pages of the same file."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize, Qt, QTimer
from PySide6.QtGui import (
    QColor,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

#: Print resolution for letters: sharp text on office lasers, modest memory per page.
PRINT_DPI = 300


class PdfFile:
    """A PDF held in memory, opened with QtPdf (the buffer lives as long as this does)."""

    def __init__(self, pdf: bytes) -> None:
        self.buffer = QBuffer()
        self.buffer.setData(QByteArray(pdf))
        self.buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument()
        self.document.load(self.buffer)
        if self.document.status() is not QPdfDocument.Status.Ready:
            raise ValueError("not a PDF QtPdf can read")

    @property
    def page_count(self) -> int:
        return self.document.pageCount()

    def page(self, index: int, dpi: float) -> QImage:
        """One page as an image, white behind it (printers and previews expect paper)."""
        size = self.document.pagePointSize(index)
        pixels = QSize(round(size.width() * dpi / 72), round(size.height() * dpi / 72))
        image = self.document.render(index, pixels)
        paper = QImage(pixels, QImage.Format.Format_RGB32)
        paper.fill(QColor("white"))
        painter = QPainter(paper)
        painter.drawImage(0, 0, image)
        painter.end()
        return paper


def print_pdfs(
    printer: QPrinter, pdfs: Sequence[bytes], *, job_name: str = "Footprint letters"
) -> int:
    """Print every page of every PDF as one job (both parents' letters together).
    Returns the number of pages sent."""
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    printer.setFullPage(True)
    printer.setDocName(job_name)
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("The printer could not be started.")
    pages = 0
    try:
        for pdf in pdfs:
            file = PdfFile(pdf)
            for index in range(file.page_count):
                if pages:
                    printer.newPage()
                image = file.page(index, min(PRINT_DPI, printer.resolution()))
                target = painter.viewport()
                scaled = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
                painter.drawImage(QRect(target.topLeft(), scaled), image)
                pages += 1
    finally:
        painter.end()
    return pages


class PagesView(QScrollArea):
    """Pages of one or more PDFs, one under another, at screen size."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setAccessibleName("Letter preview")
        self.setMinimumWidth(420)
        self._inner = QWidget()
        self._layout = QVBoxLayout(self._inner)
        self._layout.setSpacing(12)
        self._layout.addStretch(1)
        self.setWidget(self._inner)
        self.setStyleSheet("QScrollArea { background: palette(mid); }")
        self.page_labels: list[QLabel] = []
        self._shown: tuple[Sequence[bytes], str, float] = ((), "", 72)
        self._fit = QTimer(self, singleShot=True, interval=120)
        self._fit.timeout.connect(
            lambda: self.show_pdfs(*self._shown[:1], message=self._shown[1], dpi=self._shown[2])
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Pages follow the width of the view."""
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width() and self._shown[0]:
            self._fit.start()

    def show_message(self, text: str) -> None:
        self.show_pdfs([], message=text)

    def show_pdfs(self, pdfs: Sequence[bytes], *, message: str = "", dpi: float = 72) -> None:
        """Replace what is shown; `dpi` 72 shows an A4 page about 600 pixels wide, less
        when the view is narrower (pages fit the width)."""
        self._shown = (pdfs, message, dpi)
        room = self.viewport().width() - 30
        if room > 100:
            dpi = min(dpi, room / (210 / 25.4))
        for label in self.page_labels:
            label.hide()
            label.setParent(None)
            label.deleteLater()
        self.page_labels = []
        if message:
            label = QLabel(message)
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self._add(label)
        ratio = self.devicePixelRatioF()
        for number, pdf in enumerate(pdfs, start=1):
            file = PdfFile(pdf)
            for index in range(file.page_count):
                image = file.page(index, dpi * ratio)
                image.setDevicePixelRatio(ratio)
                label = QLabel()
                label.setPixmap(QPixmap.fromImage(image))
                label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
                label.setAccessibleName(f"Letter {number}, page {index + 1} of {file.page_count}")
                self._add(label)

    def _add(self, label: QLabel) -> None:
        self._layout.insertWidget(self._layout.count() - 1, label)
        self.page_labels.append(label)
