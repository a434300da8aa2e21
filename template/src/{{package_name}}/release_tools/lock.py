# Template-owned (mlrelease-template): `make template-update` replaces this file; keep your changes in your own files.
"""One release command at a time per project: staging, checking and publishing hold build/.release.lock.

A second `make publish` (or `make stage`, `make check-release`, ...) started meanwhile stops at once with one
line naming the process that holds the lock. The lock is an OS file lock (filelock), so a process that dies
releases it: nothing stale is ever left to clean up by hand.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from .cli import UserError

LOCK = Path("build") / ".release.lock"
_locks: dict[str, FileLock] = {}  # one FileLock per path, so a command that nests them re-enters its own


def _owner_file(lock_path: Path) -> Path:
    return lock_path.with_name(lock_path.name + ".owner")


@contextmanager
def release_lock(root: str | Path, command: str) -> Iterator[None]:
    path = (Path(root) / LOCK).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = _locks.setdefault(str(path), FileLock(str(path)))
    first = not lock.is_locked
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise UserError(
            f"another release command is running in this project ({_holder(path)}); wait for it to finish, then run {command} again"
        ) from None
    try:
        if first:
            owner = {"pid": os.getpid(), "command": command, "since": time.strftime("%H:%M:%S"), "argv": sys.argv[:3]}
            _owner_file(path).write_text(json.dumps(owner), encoding="utf-8")
        yield
    finally:
        if first:
            _owner_file(path).unlink(missing_ok=True)
        lock.release()


def _holder(path: Path) -> str:
    try:
        owner = json.loads(_owner_file(path).read_text(encoding="utf-8"))
        return f"{owner['command']}, process {owner['pid']}, since {owner['since']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "a process that has just started"
