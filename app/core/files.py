"""Writing files the DSL asked for (letters, reports, exports) without ever leaving half
of one behind."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, data: bytes) -> None:
    """Write beside the target, then rename over it; on failure nothing is left."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".footprint-", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
