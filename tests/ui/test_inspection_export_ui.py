"""The incident list's "Export for inspection…", driven through the real window: every
incident the list matches (more than the rows it holds), in its order, under its filter."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.core.db import Database
from app.core.models import AuditEntry, User
from app.core.services.incident_queries import IncidentFilter, count_incidents
from app.core.vocab import Category
from app.ui.main_window import MainWindow
from bench.synthetic import build_synthetic_log

SHOTS = os.environ.get("FOOTPRINT_SCREENSHOTS")


def test_export_for_inspection_saves_every_row_of_the_filtered_list(
    qtbot: QtBot, database: Database, actor: User, qsettings: object, tmp_path: Path
) -> None:
    build_synthetic_log(database, actor.id, incidents=1_300, seed=7)
    window = MainWindow(database, actor.id, qsettings)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    controller = window.incidents
    assert controller is not None
    view = controller.view
    view.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # by reference, lowest first
    asked: list[str] = []

    def choose(parent: object, title: str, suggested: str, kind: str) -> Path:
        asked.append(suggested)
        return tmp_path / ("list.csv" if "csv" in kind else "list")

    controller.exporter.choose_file = choose
    view.export_csv.trigger()

    with database.read(actor) as s:
        expected = count_incidents(s, IncidentFilter())
    data = (tmp_path / "list.csv").read_bytes()
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[1:]
    references = [r[0] for r in rows]
    assert len(references) == expected > controller.model.rowCount()
    assert references == sorted(references)
    assert asked[0].startswith("Referrals and their resolution ") and asked[0].endswith(".csv")
    assert view.export_message.text() == f"Saved {expected:,} incidents to list.csv."

    # Narrowed on screen to one category: the PDF holds those, says so, sums them up.
    index = view.category.findData(str(Category.PREJUDICE_BASED))
    view.category.setCurrentIndex(index)
    view.export_pdf.trigger()
    with database.read(actor) as s:
        expected = count_incidents(
            s, IncidentFilter(categories=frozenset({Category.PREJUDICE_BASED}))
        )
    pdf = tmp_path / "list.pdf"  # the suffix is added when the name has none
    text = " ".join(p.extract_text() for p in PdfReader(pdf).pages)
    flat = " ".join(text.split())
    assert "Category: Prejudice-based" in flat
    assert f"All prejudice-based incidents {expected:,}" in flat
    assert view.export_message.text() == f"Saved {expected:,} incidents to list.pdf."
    with database.read(actor) as s:
        entries = s.scalars(
            select(AuditEntry).where(AuditEntry.table_name == "inspection_list")
        ).all()
    assert [json.loads(e.changes)["format"] for e in entries] == ["csv", "pdf"]
    assert json.loads(entries[1].changes)["filter"] == {"categories": ["prejudice_based"]}
    if SHOTS:
        from app.ui.main_sections import INCIDENTS

        window.go(INCIDENTS)
        window.grab().save(f"{SHOTS}/inspection-list.png")
        menu = view.export.menu()
        menu.popup(view.export.mapToGlobal(view.export.rect().topLeft()))
        qtbot.waitExposed(menu)
        menu.grab().save(f"{SHOTS}/inspection-menu.png")
        menu.close()
