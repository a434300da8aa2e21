# Template-owned (mlrelease-template): `make template-update` replaces this file; keep your changes in your own files.
"""File helpers: checksums and writes that never leave a half-written file behind."""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .cli import UserError

_digests: dict[tuple, str] = {}


def sha256_file(path: str | os.PathLike) -> str:
    """The file's sha256; remembered for the life of the process while the file's identity and times stay the same
    (the tooling writes files by rename, so new content means a new inode), as one command hashes weights often."""
    stat = os.stat(path)
    key = (os.fspath(path), stat.st_ino, stat.st_dev, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)
    if key not in _digests:
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        _digests[key] = digest.hexdigest()
    return _digests[key]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename it into place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp creates 0600; give the file normal permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_json(path: str | os.PathLike, data: Any) -> None:
    atomic_write_text(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


@contextmanager
def atomic_directory(final: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary directory that becomes `final` only if the block succeeds.

    The old `final` is moved aside, the new one renamed into place, then the old one deleted: at no moment
    is `final` half-written. Leftovers of a killed run (`.<name>.*.partial` / `.old`) are removed first."""
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(final)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".partial", dir=final.parent))
    try:
        yield tmp
        old = None
        if final.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".old", dir=final.parent))
            os.replace(final, old / final.name)
        os.replace(tmp, final)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def remove_leftovers(final: str | os.PathLike) -> None:
    """Temporary folders of an `atomic_directory(final)` that was killed before it could clean up."""
    final = Path(final)
    for pattern in (f".{final.name}.*.partial", f".{final.name}.*.old"):
        for leftover in final.parent.glob(pattern):
            shutil.rmtree(leftover, ignore_errors=True)


def point_symlink(link: str | os.PathLike, target: str) -> None:
    """Atomically make `link` a symlink to `target` (relative to the link's directory)."""
    link = Path(link)
    tmp = link.with_name(f".{link.name}.tmp-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    os.symlink(target, tmp)
    os.replace(tmp, link)


def display_path(path: str | os.PathLike) -> str:
    """The resolved path, relative to the working directory when inside it (symlinks followed)."""
    resolved = Path(path).resolve()
    try:
        return str(resolved.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(resolved)


def read_json_object(path: Path, fix: str, shown_as: str | None = None) -> dict[str, Any]:
    """A JSON file that must hold an object; every problem is one line naming the file and the fix."""
    name = shown_as or str(path)
    if not path.is_file():
        raise UserError(f"{name} not found; {fix}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        raise UserError(f"{name} is not valid JSON; {fix}") from None
    if not isinstance(data, dict):
        raise UserError(f"{name} must hold a JSON object; {fix}")
    return data


def read_text(path: Path, shown_as: str | None = None) -> str:
    """A UTF-8 text file; anything else is one line naming the file, the line and the fix."""
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UserError(
            f"{shown_as or path} line {line}: byte 0x{data[exc.start]:02x} is not UTF-8; save the file as UTF-8"
        ) from None


def select_files(folder: Path, patterns: tuple[str, ...] | list[str] = ("*",)) -> dict[str, Path]:
    """Relative path -> file for every file below `folder` that a glob in `patterns` matches (README.md, the card
    the release renders anew, left out)."""
    found = {}
    for path in sorted(Path(folder).rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if relative != "README.md" and (path.is_file() or path.is_symlink()):
            if any(fnmatch.fnmatch(relative, pattern) for pattern in patterns):
                found[relative] = path
    return found
