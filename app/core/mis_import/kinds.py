"""The kinds of CSV import, apart so that the command line's parser (built at every
start, the window's too) need not load the readers."""

from __future__ import annotations

#: The kinds of CSV import: pupils (with their contacts when the export has them), staff.
KINDS = ("pupils", "staff")
