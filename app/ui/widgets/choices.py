"""Combo boxes over vocabularies, with an optional "Any"/"Not known" entry."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Generic, TypeVar

from PySide6.QtWidgets import QComboBox, QWidget

from app.core.vocab import Vocabulary

V = TypeVar("V", bound=Vocabulary)


class VocabCombo(QComboBox, Generic[V]):
    """Choose one member of a vocabulary (or the blank entry, if there is one).

    Items carry the member's stored value (a plain string: Qt turns a str-based enum into
    a QString anyway), and `value()` turns it back into the member.
    """

    def __init__(
        self,
        members: Iterable[V],
        *,
        blank: str | None = None,
        accessible_name: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        listed = list(members)
        self._by_value: dict[str, V] = {str(m): m for m in listed}
        if blank is not None:
            self.addItem(blank, None)
        for member in listed:
            self.addItem(member.label, str(member))
        if accessible_name:
            self.setAccessibleName(accessible_name)

    def value(self) -> V | None:
        """The chosen member, or None for the blank (or any non-member) entry."""
        data = self.currentData()
        return self._by_value.get(data) if isinstance(data, str) else None

    def set_value(self, value: V | None) -> None:
        """Select `value` (None selects the first, blank entry)."""
        index = self.findData(str(value)) if value is not None else 0
        self.setCurrentIndex(max(index, 0))
