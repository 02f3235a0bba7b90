"""Writing export files safely (no Qt): a finished file or no change at all.

``atomic_write`` writes into a hidden temporary file in the target's folder, flushes it to disk
and only then renames it over the target, so a crash, a full disk or Ctrl+C never leaves a
half-written file and never damages a file that was already there. Every failure the user can
fix is reported as an ``ExportError`` carrying one clear sentence.
"""
from __future__ import annotations

import errno
import os
import secrets
from collections.abc import Callable, Sequence
from pathlib import Path

# The export formats, by file suffix (compared case-insensitively).
IMAGE_SUFFIXES = (".png", ".svg", ".pdf")
DATA_SUFFIXES = (".npz", ".csv", ".json")
KNOWN_SUFFIXES = IMAGE_SUFFIXES + DATA_SUFFIXES


class ExportError(Exception):
    """An export could not be written; ``str(error)`` is one sentence for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _folder(path: Path) -> Path:
    return path.parent if str(path.parent) else Path(".")


def describe_os_error(error: OSError, path: str | os.PathLike[str]) -> str:
    """One sentence saying why ``path`` could not be written."""
    path = Path(path)
    folder = _folder(path)
    code = error.errno
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return f"The disk is full: could not write {path} (an existing file there is left unchanged)."
    if code == errno.ENOENT:
        return f"The folder {folder} does not exist."
    if code in (errno.EACCES, errno.EPERM):
        return f"Cannot write to the folder {folder}: permission denied."
    if code == errno.EROFS:
        return f"Cannot write to the folder {folder}: it is on a read-only file system."
    if code == errno.EISDIR:
        return f"{path} is a folder, not a file."
    if code == errno.ENOTDIR:
        return f"{folder} is not a folder."
    reason = error.strerror or str(error) or type(error).__name__
    return f"Could not write {path}: {reason}."


def check_target(path: str | os.PathLike[str], force: bool = False) -> Path:
    """Check that ``path`` can be exported to before anything is computed; return it as a Path.

    Raises ExportError if the suffix is not a known format, the folder is missing or not
    writable, the path is a folder, or the file exists and ``force`` is false."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in KNOWN_SUFFIXES:
        got = f"'{path.suffix}'" if path.suffix else "no suffix"
        raise ExportError(
            f"Unknown file type ({got}) for {path}: the suffix chooses the format, "
            f"use one of {', '.join(KNOWN_SUFFIXES)}."
        )
    folder = _folder(path)
    if not folder.exists():
        raise ExportError(f"The folder {folder} does not exist.")
    if not folder.is_dir():
        raise ExportError(f"{folder} is not a folder.")
    if path.is_dir():
        raise ExportError(f"{path} is a folder, not a file.")
    if path.exists() and not force:
        raise ExportError(f"{path} already exists; use --force to overwrite it.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ExportError(f"Cannot write to the folder {folder}: permission denied.")
    return path


def _new_file_mode(path: Path) -> int:
    """The permissions the finished file gets: the old file's, else the usual 0o666 & ~umask."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        pass
    try:  # reading the umask without changing it (os.umask would race with other threads)
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o644


def temp_path_for(path: Path) -> Path:
    """A fresh hidden name next to ``path``. It ends in the same suffix, so writers that pick the
    format by suffix (QImage.save, numpy) still do the right thing."""
    return _folder(path) / f".{path.name}.{secrets.token_hex(4)}.tmp{path.suffix}"


def atomic_write(path: str | os.PathLike[str], write: Callable[[Path], None]) -> None:
    """Call ``write(temp_path)`` to produce the file, fsync it, then move it onto ``path``.

    On any failure (including KeyboardInterrupt) the temporary file is removed and an existing
    file at ``path`` is untouched. OSErrors become ExportError with one sentence; other
    exceptions (an ExportError from ``write``, a bug, Ctrl+C) propagate unchanged."""
    atomic_write_all([(path, write)])


def atomic_write_all(targets: Sequence[tuple[str | os.PathLike[str], Callable[[Path], None]]]) -> None:
    """``atomic_write`` for several files at once, all or nothing: every file is written to its
    temporary name and synced first; only when all are complete are they renamed into place."""
    resolved = [(Path(p), write) for p, write in targets]
    for path, _ in resolved:
        folder = _folder(path)
        if not folder.is_dir():
            raise ExportError(
                f"The folder {folder} does not exist." if not folder.exists() else f"{folder} is not a folder."
            )
        if path.is_dir():
            raise ExportError(f"{path} is a folder, not a file.")
    staged: list[tuple[Path, Path]] = []
    current = resolved[0][0] if resolved else Path(".")
    try:
        for path, write in resolved:
            current = path
            mode = _new_file_mode(path)
            tmp = _claim_temp(path)
            staged.append((tmp, path))
            write(tmp)
            with open(tmp, "rb+") as f:
                os.fsync(f.fileno())
            os.chmod(tmp, mode)
        for tmp, path in staged:
            current = path
            os.replace(tmp, path)
        staged = []
    except BaseException as e:
        for tmp, _ in staged:
            try:
                tmp.unlink()
            except OSError:
                pass
        if isinstance(e, OSError):
            raise ExportError(describe_os_error(e, current)) from e
        raise
    for folder in dict.fromkeys(_folder(p) for p, _ in resolved):
        _fsync_folder(folder)


def _claim_temp(path: Path) -> Path:
    """Create an empty temporary file next to ``path`` under a name nobody else has."""
    for _ in range(100):
        candidate = temp_path_for(path)
        try:
            fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        os.close(fd)
        return candidate
    raise OSError(errno.EEXIST, "could not create a temporary file")


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (best effort: not every platform can open a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
