# Template-owned (mlrelease-template): `make template-update` replaces this file; keep your changes in your own files.
"""The release record, release.lock.json: per version, the code commit and, per repository, its commit, tag and
every file's sha256, the model-index it reports and the checks that passed before it was sent.

`make publish` writes it locally only once every repository carries the tag, and commits it into the model
repository. Commit it with your code: `make verify-release` trusts only this local, committed record (never the
copy on the Hub), and `make publish` knows from every earlier record which repositories and files are its own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .gitrepo import committed_versions

LOCK_FILE = "release.lock.json"
FORMAT = 2


def lock_bytes(record: dict[str, Any]) -> bytes:
    return (json.dumps(record, indent=2, ensure_ascii=False) + "\n").encode()


def parse_record(data: bytes) -> dict[str, Any] | None:
    try:
        record = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(record, dict) or not isinstance(record.get("repositories"), dict):
        return None
    return record


@dataclass(frozen=True)
class LocalRecord:
    record: dict[str, Any]
    source: str  # "release.lock.json" (working tree) or "release.lock.json at <commit>"
    committed: bool


def local_records(root: Path) -> list[LocalRecord]:
    """Every release record this project holds: the working-tree file, then each committed version, newest first."""
    found = []
    path = Path(root) / LOCK_FILE
    committed = list(committed_versions(root, LOCK_FILE))
    if path.is_file() and not path.is_symlink():
        record = parse_record(path.read_bytes())
        if record is not None:
            found.append(LocalRecord(record, LOCK_FILE, any(data == path.read_bytes() for _, data in committed)))
    for commit, data in committed:
        record = parse_record(data)
        if record is not None:
            found.append(LocalRecord(record, f"{LOCK_FILE} at commit {commit[:12]}", True))
    return found


def record_of(root: Path, version: str) -> LocalRecord | None:
    """The local record of `version`: the working-tree file if it is that version, else the newest committed one."""
    return next((r for r in local_records(root) if r.record.get("version") == version), None)


def published_files(root: Path) -> dict[tuple[str, str], set[str]]:
    """(repo type, repo id) -> every file path an earlier release of this project published there."""
    known: dict[tuple[str, str], set[str]] = {}
    for local in local_records(root):
        for repo in local.record["repositories"].values():
            if isinstance(repo, dict) and isinstance(repo.get("files"), dict):
                files = set(repo["files"]) | ({LOCK_FILE} if repo.get("type") == "model" else set())
                known.setdefault((str(repo.get("type")), str(repo.get("id"))), set()).update(files)
    return known
