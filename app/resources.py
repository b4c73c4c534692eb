"""Finds files shipped with Footprint, from a checkout or from inside the PyInstaller bundle."""

from __future__ import annotations

import sys
from pathlib import Path


def bundle_root() -> Path:
    """The folder that holds `resources/` and `migrations/` (the repo, or the frozen bundle)."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root)
    return Path(__file__).resolve().parent.parent


def resource_path(*parts: str) -> Path:
    """A path inside `resources/`, e.g. `resource_path("fonts", "DejaVuSans.ttf")`."""
    return bundle_root().joinpath("resources", *parts)


def migrations_path() -> Path:
    """The alembic script folder."""
    return bundle_root() / "migrations"
