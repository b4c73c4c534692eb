"""Calls of Qt methods that return nothing keep Python's `None` alive.

PySide6 6.12 drops one reference to `None` on every such call. Python 3.12 made `None`
immortal, so there nothing happens; on Python 3.11 the count falls until the process
aborts with "Fatal Python error: none_dealloc" — after one save and a few refreshes on
a large log, within the hour on a small one. pyproject.toml keeps Python 3.11 on the
6.11 series; this test fails (early, before the count reaches zero) on any combination
that leaks. It needs no Footprint fixture, so it also runs alone in a bare environment
(`make check-pins`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QApplication, QLabel, QTreeWidget, QTreeWidgetItem

CALLS = 10_000
# Other objects come and go while Qt runs (a timer, a cached string); a leak loses one
# reference per call, far more than this, and is caught long before None could run out.
SLACK = 50
CHECK_EVERY = 100


def _void_calls(qapp: QApplication) -> dict[str, Callable[[int], None]]:
    label = QLabel()
    tree = QTreeWidget()
    item = QTreeWidgetItem(["Incident"])
    spare = QTreeWidgetItem(["Spare"])

    def add_and_take(_: int) -> None:
        tree.addTopLevelItem(spare)
        tree.takeTopLevelItem(0)

    return {
        "QLabel.setText": lambda i: label.setText(f"Saved SM-2026-{i:04d}."),
        "QWidget.setToolTip": lambda i: label.setToolTip("Overdue" if i % 2 else ""),
        "QTreeWidgetItem.setData": lambda i: item.setData(0, Qt.ItemDataRole.UserRole, i),
        "QTreeWidget.addTopLevelItem": add_and_take,
        "QWidget.resize": lambda i: label.resize(QSize(100 + i % 7, 20)),
    }


@pytest.mark.parametrize(
    "method",
    [
        "QLabel.setText",
        "QWidget.setToolTip",
        "QTreeWidgetItem.setData",
        "QTreeWidget.addTopLevelItem",
        "QWidget.resize",
    ],
)
def test_void_qt_calls_keep_none_alive(qapp: QApplication, method: str) -> None:
    call = _void_calls(qapp)[method]
    before = sys.getrefcount(None)
    for i in range(CALLS):
        call(i)
        if i % CHECK_EVERY == 0:
            lost = before - sys.getrefcount(None)
            # Stop long before None runs out: the process would abort, not fail.
            assert lost <= SLACK, (
                f"{method} lost {lost} references to None in {i + 1:,} calls: this Python "
                "and PySide6 combination aborts after a few thousand Qt calls"
            )
    assert before - sys.getrefcount(None) <= SLACK


def test_the_installed_combination_is_one_the_project_allows() -> None:
    """The rule pyproject.toml enforces, checked where the tests run: a leaking PySide6
    must not be installed on an interpreter whose None is mortal."""
    import PySide6

    major, minor = (int(part) for part in PySide6.__version__.split(".")[:2])
    assert sys.version_info >= (3, 12) or (major, minor) < (6, 12), (
        f"PySide6 {PySide6.__version__} on Python {sys.version.split()[0]}"
    )
