"""Writing files the DSL asked for (letters, reports, exports) without ever leaving half
of one behind."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, Protocol


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


def write_privately(path: Path, data: bytes) -> None:
    """Write a small file of Footprint's own (the trail's outside copy, a manifest, the
    key slots, a setting) so that it is the user's alone (0600), never half there, and
    on the disk when this returns: written under a name of its own beside it, synced,
    renamed over it, and the rename synced too."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        try:
            os.write(handle, data)
            os.fsync(handle)
        finally:
            os.close(handle)
        os.chmod(temporary, 0o600)  # mkstemp's already; said, for the umask-minded reader
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Make a rename durable (POSIX; Windows has no folder handles to sync)."""
    if os.name != "posix":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class StagedFile:
    """A file written and synced beside its final name, which appears there (`publish`)
    only once what it records is committed — an export is never on disk unrecorded — and
    is removed (`discard`) if the unit of work fails. It is the user's alone (0600, from
    `mkstemp`), and keeps that mode under its final name.

    `data` is the bytes, or a function that writes them to the file it is given (an
    export streamed a partition at a time, never whole in memory)."""

    def __init__(self, path: Path, data: bytes | Callable[[BinaryIO], object]) -> None:
        self.path = path
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".footprint-", suffix=".part")
        self.temporary = Path(temporary)
        try:
            with os.fdopen(handle, "wb") as file:
                if callable(data):
                    data(file)
                else:
                    file.write(data)
                file.flush()
                os.fsync(file.fileno())
        except BaseException:
            self.discard()
            raise

    def publish(self) -> None:
        os.replace(self.temporary, self.path)

    def discard(self) -> None:
        self.temporary.unlink(missing_ok=True)


class ByteSink(Protocol):
    """Anything bytes can be written to (a file, a socket, a counter in a bench)."""

    def write(self, data: bytes, /) -> int: ...


class Fingerprinted:
    """Passes bytes on to a file, keeping the SHA-256 and size of all it was given."""

    def __init__(self, file: ByteSink) -> None:
        self.file = file
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        self.size += len(data)
        return self.file.write(data)

    @property
    def sha256(self) -> str:
        return self.digest.hexdigest()


def publish_after(staged: list[StagedFile], commit: Callable[[], object]) -> None:
    """Run `commit` (a unit of work that records an export and stages its files in
    `staged`); publish the files if it succeeds, discard them if it fails."""
    try:
        commit()
    except BaseException:
        for file in staged:
            file.discard()
        raise
    for file in staged:
        file.publish()


def safe_filename(name: str, extension: str, *, fallback: str = "evidence") -> str:
    """A name to save a copy under: no folders, no control or invisible formatting
    characters (a right-to-left override can make "gpj.exe" look like "exe.jpg"), no
    characters Windows refuses, at most 100 characters, and the extension of what the
    file really is (from its content), never the one it came with."""
    import unicodedata

    kept = "".join(
        " " if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") else char for char in name
    )
    for bad in '<>:"/\\|?*':
        kept = kept.replace(bad, "_")
    stem = Path(kept).stem if Path(kept).suffix.lower() in _KNOWN_SUFFIXES else kept
    stem = " ".join(stem.split()).strip(" .")[:100] or fallback
    return f"{stem}{extension}"


_KNOWN_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".pdf", ".exe", ".bat", ".cmd"}
