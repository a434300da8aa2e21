# Template-owned (mlrelease-template): `make template-update` replaces this file; keep your changes in your own files.
"""What publishing the staged release means, read-only: `make publish-plan`, and the first step of `make publish`.

The four targets (dataset, model, demo Space, page Space) from release.yaml; for each, the repository on the Hub
compared with build/release/ file by file (new, changed, unchanged, deleted), where the version's tag already
points, and whether the repository is this project's to publish into (no other type owns the name, no file we
would change was written by someone else). Nothing here changes the Hub or the project.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from huggingface_hub import HfApi
from huggingface_hub.errors import RepositoryNotFoundError

from .cli import UserError
from .files import sha256_file
from .gitrepo import TreeState, tree_state
from .hub import client, hub_call, require_write, whoami
from .record import LOCK_FILE, published_files
from .release_file import Release
from .stage import build_release

KEPT_REMOTE = (".gitattributes",)  # managed by the Hub, never deleted
REPO_TYPES = ("model", "dataset", "space")
# Titles of the commits make publish makes; huggingface_hub's resumable upload adds " (part N)" to later parts.
OUR_COMMIT = re.compile(r"^(Release v\S+ \(code [^)]*\)( \(part \d+\))?|Release record for v\S+)$")


@dataclass(frozen=True)
class Target:
    key: str  # dataset, model, demo or page: the field under hub: in release.yaml
    repo_id: str
    repo_type: str
    folder: Path
    sdk: str | None = None

    def files(self) -> dict[str, Path]:
        """The staged files of this target, by path inside the repository."""
        return local_files(self.folder)


def release_targets(release: Release, build: Path) -> list[Target]:
    hub = release.hub
    return [
        Target("dataset", hub.dataset, "dataset", build / "dataset"),
        Target("model", hub.model, "model", build / "model"),
        Target("demo", hub.demo, "space", build / "demo", "gradio"),
        Target("page", hub.page, "space", build / "page", "static"),
    ]


@dataclass
class FileChange:
    path: str
    size: int
    status: str  # new, changed, unchanged or deleted


@dataclass
class RepoPlan:
    target: Target
    exists: bool
    private: bool
    head: str | None
    tag: str
    tag_commit: str | None = None  # where the tag already points, if it exists
    tag_differs: list[str] = field(default_factory=list)  # files whose tagged content is not the staged one
    changes: list[FileChange] = field(default_factory=list)
    remote_lock_oid: str | None = None  # git blob id of release.lock.json on main (model repository)
    foreign: list[str] = field(default_factory=list)  # files no release of ours made, which this one would change
    adoptable: str | None = None  # why this existing repository is not ours to publish into, if it is not

    @property
    def to_send(self) -> list[FileChange]:
        return [c for c in self.changes if c.status in ("new", "changed")]

    @property
    def to_delete(self) -> list[FileChange]:
        return [c for c in self.changes if c.status == "deleted"]

    @property
    def bytes_to_send(self) -> int:
        return sum(c.size for c in self.to_send)

    @property
    def released(self) -> bool:
        """Tagged, on exactly the staged files."""
        return self.tag_commit is not None and not self.tag_differs


def git_blob_sha1(path: Path) -> str:
    """Git's blob id, which the Hub reports for regular files."""
    digest = hashlib.sha1(b"blob %d\0" % path.stat().st_size)
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def git_blob_sha1_of(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def local_files(folder: Path) -> dict[str, Path]:
    return {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*")) if p.is_file()}


def remote_files(api: HfApi, target: Target, revision: str) -> dict[str, Any]:
    entries = api.list_repo_tree(target.repo_id, repo_type=target.repo_type, revision=revision, recursive=True)
    return {e.path: e for e in entries if hasattr(e, "blob_id") and e.path not in KEPT_REMOTE}


def same_content(local: Path, remote: Any) -> bool:
    if remote.size != local.stat().st_size:
        return False
    if remote.lfs is not None:
        return sha256_file(local) == remote.lfs.sha256
    return git_blob_sha1(local) == remote.blob_id


def compare(local: dict[str, Path], remote: dict[str, Any]) -> list[FileChange]:
    changes = []
    for path, file in local.items():
        status = "new" if path not in remote else "unchanged" if same_content(file, remote[path]) else "changed"
        changes.append(FileChange(path, file.stat().st_size, status))
    changes += [FileChange(path, entry.size, "deleted") for path, entry in remote.items() if path not in local]
    return changes


def check_name(api: HfApi, target: Target) -> None:
    """A repository that does not exist yet must not share its name with one of another type."""
    for other in REPO_TYPES:
        if other != target.repo_type and api.repo_exists(target.repo_id, repo_type=other):
            raise UserError(
                f"release.yaml: hub.{target.key} is {target.repo_id}, but that name already belongs to a {other} "
                f"repository; give the {target.repo_type} its own name in hub.{target.key}, then run make stage"
            )


def foreign_files(api: HfApi, target: Target, candidates: list[str]) -> list[str]:
    """Of `candidates` (files on main no local record knows, which this release would change or delete), those
    that no `make publish` commit wrote: their last commit is someone else's (not the Hub's initial commit)."""
    if not candidates:
        return []
    commits = api.list_repo_commits(target.repo_id, repo_type=target.repo_type)
    initial = commits[-1].commit_id if commits else None
    infos = api.get_paths_info(target.repo_id, candidates, repo_type=target.repo_type, expand=True)
    last = {info.path: info.last_commit for info in infos if hasattr(info, "blob_id")}
    foreign = []
    for path in candidates:
        commit = last.get(path)
        if commit is None or (commit.oid != initial and not OUR_COMMIT.match(commit.title or "")):
            foreign.append(path)
    return foreign


def plan_repo(api: HfApi, token: str, target: Target, tag: str, private: bool, known: set[str] | None) -> RepoPlan:
    """What publishing `target` means, read-only. `known`: the files earlier releases of ours published there
    (None when no local release record names the repository)."""
    with hub_call(f"reading {target.repo_type} {target.repo_id}", token):
        try:
            info = api.repo_info(target.repo_id, repo_type=target.repo_type)
        except RepositoryNotFoundError:
            check_name(api, target)
            local = target.files()
            changes = [FileChange(path, file.stat().st_size, "new") for path, file in local.items()]
            return RepoPlan(target, exists=False, private=private, head=None, tag=tag, changes=changes)
        sdk = getattr(info, "sdk", None)
        if target.sdk and sdk and sdk != target.sdk:
            raise UserError(
                f"Space {target.repo_id} exists with sdk {sdk!r}, but the {target.key} needs {target.sdk!r}; "
                f"delete or rename that Space, or set another hub.{target.key} in release.yaml"
            )
        local = target.files()
        remote = remote_files(api, target, info.sha)
        lock = remote.pop(LOCK_FILE, None) if target.key == "model" else None
        plan = RepoPlan(
            target, exists=True, private=bool(info.private), head=info.sha, tag=tag, changes=compare(local, remote)
        )
        plan.remote_lock_oid = lock.blob_id if lock is not None else None
        touched = [c.path for c in plan.changes if c.status in ("changed", "deleted")]
        if lock is not None and (known is None or LOCK_FILE not in known):
            touched.append(LOCK_FILE)
        plan.foreign = foreign_files(api, target, [p for p in touched if known is None or p not in known])
        if known is None and not info.private and private:
            plan.adoptable = "it is public, while hub.visibility in release.yaml is private"
        elif plan.foreign:
            plan.adoptable = f"it holds files no release of this project published ({', '.join(plan.foreign[:3])}), which this release would change or delete"
        tags = {
            ref.name: ref.target_commit for ref in api.list_repo_refs(target.repo_id, repo_type=target.repo_type).tags
        }
        if tag in tags:
            plan.tag_commit = tags[tag]
            tagged = remote_files(api, target, tags[tag])
            if target.key == "model":
                tagged.pop(LOCK_FILE, None)
            plan.tag_differs = [c.path for c in compare(local, tagged) if c.status != "unchanged"]
    return plan


@dataclass
class Session:
    """Everything a publishing target needs, gathered and checked before anything is changed."""

    root: Path
    api: HfApi
    token: str
    identity: dict[str, Any]
    release: Release
    build: Path
    plans: list[RepoPlan]
    code: TreeState

    @property
    def tag(self) -> str:
        return self.release.tag

    def plan(self, key: str) -> RepoPlan:
        return next(p for p in self.plans if p.target.key == key)


def require_rights(identity: dict[str, Any], release: Release, targets: list[Target]) -> None:
    """The token may write to hub.namespace and to the namespace of every repository of the release."""
    for namespace in sorted({release.hub.namespace, *(t.repo_id.split("/")[0] for t in targets)}):
        require_write(identity, namespace)


def open_session(root: Path, build: Path, *, need_write: bool) -> Session:
    api, token = client()
    identity = whoami(api, token)
    release = Release.load(root)
    targets = release_targets(release, build)
    if need_write:
        require_rights(identity, release, targets)
    for target in targets:
        if not target.folder.is_dir():
            raise UserError(f"{target.folder} is not staged; run make stage")
    private = release.hub.visibility == "private"
    known = published_files(root)
    plans = [plan_repo(api, token, t, release.tag, private, known.get((t.repo_type, t.repo_id))) for t in targets]
    return Session(root, api, token, identity, release, build, plans, tree_state(root))


def tag_state(session: Session) -> str:
    """none, partial (some repositories carry the tag: a run was killed or failed while tagging) or complete."""
    tagged = sum(p.tag_commit is not None for p in session.plans)
    return "none" if tagged == 0 else "complete" if tagged == len(session.plans) else "partial"


def format_plan(session: Session) -> str:
    lines = [f"Release {session.tag} of {session.release.title!r}; code {session.code.describe()}"]
    if session.identity["role"] == "read":
        lines.append("note: the token is read-only; make publish will refuse until HF_TOKEN holds a write token")
    total_files = total_bytes = 0
    half = tag_state(session) == "partial"
    for plan in session.plans:
        t = plan.target
        where = "exists" if plan.exists else "does not exist yet: it will be created"
        visibility = "private" if plan.private else "public"
        if plan.released:
            tag_state_text = f"tag {plan.tag} exists on these files"
        elif plan.tag_commit:
            verdict = "publish will roll it back" if half else "publish will refuse"
            tag_state_text = f"tag {plan.tag} exists on OTHER content ({len(plan.tag_differs)} files differ): {verdict}"
        else:
            tag_state_text = f"will be tagged {plan.tag}"
        lines.append(f"\n{t.key}: {t.repo_type} {t.repo_id} ({visibility}; {where}; {tag_state_text})")
        if plan.adoptable:
            lines.append(f"  not ours: {plan.adoptable}; publish refuses without ADOPT=1")
        for change in plan.changes:
            lines.append(f"  {change.status:<9} {change.path}  {change.size:,} bytes")
        lines.append(
            f"  to send: {len(plan.to_send)} files, {plan.bytes_to_send:,} bytes; to delete: {len(plan.to_delete)} files"
        )
        total_files += len(plan.to_send)
        total_bytes += plan.bytes_to_send
    lines.append(f"\nTotal to send: {total_files} files, {total_bytes:,} bytes to {len(session.plans)} repositories.")
    lines.append(
        f"Then a collection of them, {LOCK_FILE} into the model repository, and the tag {session.tag} on each."
    )
    return "\n".join(lines)


def plan_release(root: Path = Path(".")) -> Session:
    """What make publish would do, from a fresh render in a temporary folder: writes nothing in the project."""
    with tempfile.TemporaryDirectory(prefix="publish-plan-") as tmp:
        build = build_release(root, Path(tmp) / "release", documents=False)
        session = open_session(root, build, need_write=False)
        print(format_plan(session))
    return session
