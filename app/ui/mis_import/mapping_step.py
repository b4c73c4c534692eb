"""The second step of a CSV import: which column of the file holds which Footprint field,
guessed from the headings (or a mapping the school saved), with a sample of each column
so the DSL can check the guess against what is really there."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.mis_import.csv_files import CsvField, CsvSample
from app.core.services.mis_import import SavedMapping
from app.ui.widgets.field_errors import error_label

NOT_IN_FILE = "(not in this file)"
GUESSED = "Footprint's guess from the headings"
SAMPLES = 3
ENCODINGS = {"utf-8-sig": "UTF-8", "utf-8": "UTF-8", "cp1252": "Windows Western European"}

FIELD, COLUMN, SAMPLE = range(3)


class MappingStep(QWidget):
    """One row per Footprint field: its column in the file, and what that column holds."""

    #: A column was chosen (or a saved mapping): the dialog re-checks Next.
    changed = Signal()
    #: "Save mapping" was pressed (the dialog saves it through the service).
    save_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fields: list[CsvField] = []
        self.sample = CsvSample(headers=[], rows=[], encoding="", delimiter=",")
        self.guesses: dict[str, str] = {}
        self.saved: list[SavedMapping] = []
        intro = QLabel(
            "Which column of the file holds what? Footprint has guessed from the headings: "
            "check each line against the sample from the file. Fields marked * are needed."
        )
        intro.setWordWrap(True)
        self.start_from = QComboBox()
        self.start_from.setAccessibleName("Start from")
        # Wide enough for "Footprint's guess" and the saved mappings' names.
        self.start_from.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.table = QTableWidget(0, 3)
        self.table.setAccessibleName("Columns")
        self.table.setHorizontalHeaderLabels(
            ["Footprint field", "Column in the file", "Sample from the file"]
        )
        self.table.verticalHeader().hide()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(FIELD, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COLUMN, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(SAMPLE, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(COLUMN, 240)
        self.missing = error_label()
        self.file_facts = QLabel()
        self.file_facts.setWordWrap(True)
        self.save_name = QLineEdit()
        self.save_name.setAccessibleName("Save this mapping as")
        self.save_name.setPlaceholderText("e.g. SIMS pupil report")
        self.save = QPushButton("&Save mapping")

        top = QHBoxLayout()
        start_caption = QLabel("Start &from")
        start_caption.setBuddy(self.start_from)
        top.addWidget(start_caption)
        top.addWidget(self.start_from)
        top.addStretch(1)
        saving = QHBoxLayout()
        caption = QLabel("Save this mapping &as")
        caption.setBuddy(self.save_name)
        saving.addWidget(caption)
        saving.addWidget(self.save_name, 1)
        saving.addWidget(self.save)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(intro)
        layout.addLayout(top)
        layout.addWidget(self.file_facts)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.missing)
        layout.addLayout(saving)
        self.start_from.currentIndexChanged.connect(self._start_from_chosen)
        self.save.clicked.connect(self.save_requested)
        self.save_name.textChanged.connect(lambda text: self.save.setEnabled(bool(text.strip())))
        self.save.setEnabled(False)

    def load(
        self,
        fields: list[CsvField],
        sample: CsvSample,
        guesses: dict[str, str],
        saved: list[SavedMapping],
    ) -> None:
        """Fill the rows for a file, preselecting the guesses."""
        self.fields, self.sample, self.guesses, self.saved = fields, sample, guesses, saved
        rows = len(sample.rows)
        self.file_facts.setText(
            f"The file has {len(sample.headers)} columns; the samples are from its first "
            f"{rows} row{'s' if rows != 1 else ''} (its text read as "
            f"{ENCODINGS.get(sample.encoding, sample.encoding)})."
        )
        self.start_from.blockSignals(True)
        self.start_from.clear()
        self.start_from.addItem(GUESSED, "")
        for mapping in saved:
            self.start_from.addItem(f"The saved mapping “{mapping.name}”", mapping.name)
        self.start_from.blockSignals(False)
        self.table.setRowCount(len(fields))
        for row, csv_field in enumerate(fields):
            item = QTableWidgetItem(csv_field.label + (" *" if csv_field.required else ""))
            if csv_field.required:
                font = QFont(item.font())
                font.setBold(True)
                item.setFont(font)
                item.setToolTip("Needed: the import can't go on without it")
            self.table.setItem(row, FIELD, item)
            combo = QComboBox()
            combo.setAccessibleName(csv_field.label)
            combo.addItem(NOT_IN_FILE, "")
            for heading in sample.headers:
                combo.addItem(heading, heading)
            combo.currentIndexChanged.connect(lambda _i, r=row: self._column_chosen(r))
            self.table.setCellWidget(row, COLUMN, combo)
            self.table.setItem(row, SAMPLE, QTableWidgetItem(""))
        widest = max(
            (self.fontMetrics().horizontalAdvance(f.label + " *") for f in fields), default=0
        )
        # Bold labels are wider than the metrics say; a little room either side.
        self.table.setColumnWidth(FIELD, int(widest * 1.1) + 24)
        self.set_columns(guesses)

    def choose_saved(self, name: str) -> None:
        """Start from the saved mapping called `name` (as choosing it in the list does)."""
        index = self.start_from.findData(name)
        if index >= 0:
            self.start_from.setCurrentIndex(index)

    def _start_from_chosen(self, _index: int) -> None:
        name = self.start_from.currentData()
        saved = {m.name: m for m in self.saved}
        if name and name in saved:
            self.set_columns(saved[name].columns)
            self.save_name.setText(name)
        else:
            self.set_columns(self.guesses)

    def set_columns(self, columns: dict[str, str]) -> None:
        """Choose each field's column (a heading the file lacks reads "not in this file")."""
        for row, csv_field in enumerate(self.fields):
            combo = self.combo(row)
            combo.blockSignals(True)
            index = combo.findData(columns.get(csv_field.key, ""))
            combo.setCurrentIndex(max(index, 0))
            combo.blockSignals(False)
            self._show_sample(row)
        self._check()

    def combo(self, row: int) -> QComboBox:
        widget = self.table.cellWidget(row, COLUMN)
        assert isinstance(widget, QComboBox)
        return widget

    def _item(self, row: int, column: int) -> QTableWidgetItem:
        item = self.table.item(row, column)
        assert item is not None
        return item

    def row_of(self, key: str) -> int:
        return next(row for row, f in enumerate(self.fields) if f.key == key)

    def _column_chosen(self, row: int) -> None:
        self._show_sample(row)
        self._check()

    def _show_sample(self, row: int) -> None:
        heading = self.combo(row).currentData()
        text = ""
        if heading:
            column = self.sample.headers.index(heading)
            values = [r[column] for r in self.sample.rows if column < len(r) and r[column]]
            text = ", ".join(values[:SAMPLES]) if values else "(empty in the first rows)"
        item = self._item(row, SAMPLE)
        item.setText(text)
        item.setToolTip(text)

    def columns(self) -> dict[str, str]:
        """field key → heading, for the fields given a column."""
        chosen = {}
        for row, csv_field in enumerate(self.fields):
            heading = self.combo(row).currentData()
            if heading:
                chosen[csv_field.key] = str(heading)
        return chosen

    def unmapped_required(self) -> list[CsvField]:
        chosen = self.columns()
        return [f for f in self.fields if f.required and f.key not in chosen]

    def _check(self) -> None:
        missing = self.unmapped_required()
        if missing:
            names = ", ".join(f.label for f in missing)
            self.missing.setText(
                f"Choose the column that holds: {names}. The import needs "
                f"{'it' if len(missing) == 1 else 'them'}; if the file has no such column, "
                "export it again from the MIS with it."
            )
            self.missing.show()
        else:
            self.missing.hide()
        self.changed.emit()

    def sample_text(self, key: str) -> str:
        return self._item(self.row_of(key), SAMPLE).text()

    def heading_for(self, key: str) -> str:
        return str(self.combo(self.row_of(key)).currentData() or "")
