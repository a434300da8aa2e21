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
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from huggingface_hub import ModelCard

from .checklist import Item
from .cli import UserError
from .files import atomic_write_bytes, sha256_file
from .gitrepo import committed_versions
from .hub import hub_call
from .results import is_number

if TYPE_CHECKING:  # plan imports this module, for the records of earlier releases
    from .plan import RepoPlan, Session

LOCK_FILE = "release.lock.json"
FORMAT = 2
RESTORE = f"restore {LOCK_FILE} from git (make publish wrote it)"


@dataclass(frozen=True)
class PublishedRepository:
    """One repository of a release: the commit its tag is on and every file's sha256."""

    id: str
    type: str  # model, dataset or space
    commit: str
    tag: str
    files: dict[str, str]  # path in the repository -> sha256


@dataclass(frozen=True)
class ReportedMetric:
    """One entry of the model-index the release reported."""

    type: str
    name: str
    value: float
    split: str | None


def _published(repo: Any) -> bool:
    """A repository of the record: its id, type, commit and tag as text, and each file's sha256."""
    if not isinstance(repo, dict) or not all(isinstance(repo.get(key), str) for key in ("id", "type", "commit", "tag")):
        return False
    files = repo.get("files")
    return isinstance(files, dict) and all(isinstance(digest, str) for digest in files.values())


def _reported(entry: Any) -> bool:
    """An entry of the model-index: its Hub metric type and name, and the value."""
    if not isinstance(entry, dict) or not all(isinstance(entry.get(key), str) for key in ("type", "name")):
        return False
    return is_number(entry.get("value"))


@dataclass(frozen=True)
class ReleaseRecord:
    """release.lock.json as the tooling reads it. `data` keeps the whole JSON object: the file is written from it,
    and two records are the same release only when all of it agrees."""

    version: str
    tag: str
    code_commit: str | None
    code_dirty: bool
    repositories: dict[str, PublishedRepository]  # by key: dataset, model, demo, page
    model_index: tuple[ReportedMetric, ...]  # empty in records before format 2
    data: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def parse(cls, data: bytes, source: str = LOCK_FILE) -> ReleaseRecord:
        """The record in `data`; its first problem is a one-line UserError naming `source`."""
        try:
            parsed = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise UserError(f"{source} is not valid JSON; {RESTORE}") from None
        problems = cls.problems(parsed, source)
        if problems:
            raise UserError(problems[0])
        return cls.from_data(parsed)

    @staticmethod
    def problems(data: Any, source: str = LOCK_FILE) -> list[str]:
        """Every problem of a parsed record, each one line naming the field."""
        if not isinstance(data, dict):
            return [f"{source} must hold a JSON object; {RESTORE}"]
        repositories, entries = data.get("repositories"), data.get("model_index", [])
        right = {
            "version": (isinstance(data.get("version"), str), "the version, e.g. 0.1.0"),
            "tag": (isinstance(data.get("tag"), str), "the tag, e.g. v0.1.0"),
            "code": (isinstance(data.get("code"), dict), "the code commit"),
            "repositories": (isinstance(repositories, dict), "each repository with its files"),
            "model_index": (isinstance(entries, list) and all(map(_reported, entries)), "the reported metrics"),
        }
        for key, repo in repositories.items() if isinstance(repositories, dict) else ():
            right[f"repositories.{key}"] = (_published(repo), "id, type, commit, tag and each file's sha256")
        return [f"{source}: field '{name}' must hold {what}; {RESTORE}" for name, (ok, what) in right.items() if not ok]

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> ReleaseRecord:
        code = data.get("code") or {}
        return cls(
            version=data["version"],
            tag=data["tag"],
            code_commit=code.get("commit"),
            code_dirty=bool(code.get("dirty")),
            repositories={
                key: PublishedRepository(repo["id"], repo["type"], repo["commit"], repo["tag"], dict(repo["files"]))
                for key, repo in data["repositories"].items()
            },
            model_index=tuple(
                ReportedMetric(e["type"], e["name"], float(e["value"]), e.get("split"))
                for e in data.get("model_index", [])
            ),
            data=data,
        )

    def to_bytes(self) -> bytes:
        """The file's bytes: indented JSON, UTF-8 text as it is, one newline at the end."""
        return (json.dumps(self.data, indent=2, ensure_ascii=False) + "\n").encode()


def write_record(root: Path, data: bytes) -> None:
    """The local release record, written whole or not at all."""
    atomic_write_bytes(Path(root) / LOCK_FILE, data)


def parsed_or_none(data: bytes, source: str) -> ReleaseRecord | None:
    """The record, or None for a file that is not one (an unreadable old record is no evidence either way)."""
    try:
        return ReleaseRecord.parse(data, source)
    except UserError:
        return None


@dataclass(frozen=True)
class LocalRecord:
    record: ReleaseRecord
    source: str  # "release.lock.json" (working tree) or "release.lock.json at <commit>"
    committed: bool


def local_records(root: Path) -> list[LocalRecord]:
    """Every release record this project holds: the working-tree file, then each committed version, newest first."""
    found = []
    path = Path(root) / LOCK_FILE
    committed = list(committed_versions(root, LOCK_FILE))
    if path.is_file() and not path.is_symlink():
        data = path.read_bytes()
        record = parsed_or_none(data, LOCK_FILE)
        if record is not None:
            found.append(LocalRecord(record, LOCK_FILE, any(version == data for _, version in committed)))
    for commit, data in committed:
        source = f"{LOCK_FILE} at commit {commit[:12]}"
        record = parsed_or_none(data, source)
        if record is not None:
            found.append(LocalRecord(record, source, True))
    return found


def record_of(root: Path, version: str) -> LocalRecord | None:
    """The local record of `version`: the working-tree file if it is that version, else the newest committed one."""
    return next((r for r in local_records(root) if r.record.version == version), None)


def published_files(root: Path) -> dict[tuple[str, str], set[str]]:
    """(repo type, repo id) -> every file path an earlier release of this project published there."""
    known: dict[tuple[str, str], set[str]] = {}
    for local in local_records(root):
        for repo in local.record.repositories.values():
            files = set(repo.files) | ({LOCK_FILE} if repo.type == "model" else set())
            known.setdefault((repo.type, repo.id), set()).update(files)
    return known


def release_record(
    session: Session, commits: dict[str, str], collection: str, model_commit: str, checks: list[Item]
) -> ReleaseRecord:
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
    release = session.release
    data = {
        "format": FORMAT,
        "title": release.title,
        "version": release.version,
        "tag": session.tag,
        "code": {"repository": release.links.code, **session.code.as_record()},
        "collection": collection,
        "repositories": repositories,
        "model_index": model_index,
        "checks": [item.name for item in checks if item.status == "ok"],
        "note": f"The model repository's tag points at the commit that adds {LOCK_FILE} on top of repositories.model.commit.",
    }
    return ReleaseRecord.from_data(data)


def previous_model_commit(session: Session, plan: RepoPlan) -> str:
    """The content commit the model repository's current release record names, when its files are ours."""
    if plan.remote_lock_oid is None:
        return plan.head  # type: ignore[return-value]
    with hub_call(f"reading {LOCK_FILE} from {plan.target.repo_id}", session.token):
        path = session.api.hf_hub_download(plan.target.repo_id, LOCK_FILE, revision=plan.head)
    record = parsed_or_none(Path(path).read_bytes(), f"{LOCK_FILE} of {plan.target.repo_id}")
    previous = record.repositories.get("model") if record else None
    if previous is None:
        return plan.head  # type: ignore[return-value]
    ours = {p: sha256_file(f) for p, f in plan.target.files().items()}
    return previous.commit if previous.files == ours else plan.head  # type: ignore[return-value]


def fetch_record(session: Session, root: Path) -> None:
    """Bring the published release record home when it is missing locally."""
    if (root / LOCK_FILE).is_file():
        return
    model = session.plan("model")
    with hub_call(f"reading {LOCK_FILE} from {model.target.repo_id}", session.token):
        path = session.api.hf_hub_download(model.target.repo_id, LOCK_FILE, revision=session.tag)
    data = Path(path).read_bytes()
    ReleaseRecord.parse(data, f"{LOCK_FILE} of {model.target.repo_id}")  # a record, or one line saying why not
    write_record(root, data)
