"""Small-number suppression for anything governors read: a count of 1 or 2 could point
at a child, so it never shows, nor can it be worked out from a printed total."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: Counts this small can point at a child; shown as "fewer than 3" when suppression is on.
SMALL = 3
SUPPRESSED = "fewer than 3"
COMBINED_PREFIX = "Combined: "


@dataclass(frozen=True)
class Row:
    """One labelled count."""

    label: str
    count: int


def merge_small(rows: Sequence[Row], suppress: bool) -> tuple[list[Row], bool]:
    """An additive group (its rows add up to a total that is printed) with small counts
    merged: the small rows, and as many of the next smallest as needed, become one row
    whose count is at least 3 and covers at least two rows, so no single small figure can
    be worked out from the total. Returns the rows, and True if the whole group is too
    small to break down at all."""
    rows = [r for r in rows if r.count]
    if not suppress or not any(r.count < SMALL for r in rows):
        return rows, False
    order = {r.label: n for n, r in enumerate(rows)}
    merged = [r for r in rows if r.count < SMALL]
    rest = sorted((r for r in rows if r.count >= SMALL), key=lambda r: (r.count, order[r.label]))
    while (sum(r.count for r in merged) < SMALL or len(merged) < 2) and rest:
        merged.append(rest.pop(0))
    if sum(r.count for r in merged) < SMALL or len(merged) < 2:
        return [], True
    labels = sorted((r.label for r in merged), key=order.__getitem__)
    kept = [r for r in rows if r not in merged]
    combined = Row(COMBINED_PREFIX + ", ".join(labels), sum(r.count for r in merged))
    return [*kept, combined], False


@dataclass(frozen=True)
class RowGroup:
    """Labelled counts that may be combined with each other, never with another group's."""

    label: str
    rows: list[Row]

    @property
    def total(self) -> int:
        return sum(row.count for row in self.rows)


def merge_small_within(groups: Sequence[RowGroup], suppress: bool) -> tuple[list[RowGroup], bool]:
    """An additive group of groups: small counts merged within each group only (never
    across). Returns the non-empty groups with their rows merged, and True if the table
    can't be broken down at all: a group too small to break down on its own could be
    worked out from the total, and combining it with another group would mislead."""
    merged = []
    for group in groups:
        if not group.total:
            continue
        rows, too_small = merge_small(group.rows, suppress)
        if too_small:
            return [], True
        merged.append(RowGroup(group.label, rows))
    return merged, False


def shown(count: int, suppress: bool) -> str:
    """A count as governors see it: 1 or 2 becomes "fewer than 3" when suppressing."""
    if suppress and 0 < count < SMALL:
        return SUPPRESSED
    return f"{count:,}"
