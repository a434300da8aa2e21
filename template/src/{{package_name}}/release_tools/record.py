# Template-owned (mlrelease-template): `make template-update` replaces this file; keep your changes in your own files.
"""The release record, release.lock.json: per version, the code commit and, per repository, its commit, tag and
every file's sha256, the model-index it reports and the checks that passed before it was sent.

`make publish` builds it from the staged files and the commits it made, commits it into the model repository,
and writes it locally only once every repository carries the tag. Commit it with your code: `make verify-release`
trusts only this local, committed record (never the copy on the Hub), and `make publish` knows from every earlier
record which repositories and files are its own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from huggingface_hub import ModelCard

from .checklist import Item
from .files import atomic_write_bytes, sha256_file
from .gitrepo import committed_versions
from .hub import hub_call

if TYPE_CHECKING:  # plan imports this module, for the records of earlier releases
    from .plan import RepoPlan, Session

LOCK_FILE = "release.lock.json"
FORMAT = 2


def lock_bytes(record: dict[str, Any]) -> bytes:
    return (json.dumps(record, indent=2, ensure_ascii=False) + "\n").encode()


def write_record(root: Path, data: bytes) -> None:
    """The local release record, written whole or not at all."""
    atomic_write_bytes(Path(root) / LOCK_FILE, data)


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


def release_record(
    session: Session, commits: dict[str, str], collection: str, model_commit: str, checks: list[Item]
) -> dict[str, Any]:
    """The record of this release: per repository the commit it is tagged on (the model: the content commit
    under the record's own commit) and every staged file's sha256, the model-index, and the checks that passed."""
    repositories = {}
    for plan in session.plans:
        t = plan.target
        repositories[t.key] = {
            "id": t.repo_id,
            "type": t.repo_type,
            "commit": model_commit if t.key == "model" else commits[t.key],
            "tag": session.tag,
            "files": {path: sha256_file(file) for path, file in t.files().items()},
        }
    card = ModelCard.load(session.plan("model").target.folder / "README.md")
    model_index = [
        {"type": r.metric_type, "name": r.metric_name, "value": r.metric_value, "split": r.dataset_split}
        for r in card.data.eval_results or []
    ]
    return {
        "format": FORMAT,
        "title": session.release["title"],
        "version": session.release["version"],
        "tag": session.tag,
        "code": {"repository": session.release["links"]["code"], **session.code.as_record()},
        "collection": collection,
        "repositories": repositories,
        "model_index": model_index,
        "checks": [item.name for item in checks if item.status == "ok"],
        "note": f"The model repository's tag points at the commit that adds {LOCK_FILE} on top of repositories.model.commit.",
    }


def previous_model_commit(session: Session, plan: RepoPlan) -> str:
    """The content commit the model repository's current release record names, when its files are ours."""
    if plan.remote_lock_oid is None:
        return plan.head  # type: ignore[return-value]
    with hub_call(f"reading {LOCK_FILE} from {plan.target.repo_id}", session.token):
        path = session.api.hf_hub_download(plan.target.repo_id, LOCK_FILE, revision=plan.head)
    try:
        previous = json.loads(Path(path).read_text(encoding="utf-8"))["repositories"]["model"]
    except (ValueError, KeyError, TypeError):
        return plan.head  # type: ignore[return-value]
    ours = {p: sha256_file(f) for p, f in plan.target.files().items()}
    return previous.get("commit") if previous.get("files") == ours else plan.head  # type: ignore[return-value]


def fetch_record(session: Session, root: Path) -> None:
    """Bring the published release record home when it is missing locally."""
    if (root / LOCK_FILE).is_file():
        return
    model = session.plan("model")
    with hub_call(f"reading {LOCK_FILE} from {model.target.repo_id}", session.token):
        path = session.api.hf_hub_download(model.target.repo_id, LOCK_FILE, revision=session.tag)
    write_record(root, Path(path).read_bytes())
