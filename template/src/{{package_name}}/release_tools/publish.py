# Template-owned (mlrelease-template): `make template-update` replaces this file; keep your changes in your own files.
"""`make publish-plan`, `make publish`, `make release-public`: the staged release on the Hub as one version.

`make publish`, holding the project's release lock from start to end:
1. stage build/release/ from what git tracks and run the whole release check, behaviour checks included;
2. read every repository (nothing is changed yet) and refuse what must not happen: a dirty tree, a git tag on
   another commit, the token in a file, someone else's repository or files, a version already released on
   other content;
3. dataset → model → demo Space → page Space, one commit each carrying every change (new, changed and stale
   files), found by comparing build/release/ with the repository file by file, so a re-run sends only what
   differs; then the collection, and release.lock.json into the model repository;
4. only then the tag v<version> on every repository, all or nothing: if one tag fails, the tags this run made are
   removed again. A version is released when every repository carries its tag; a half-tagged version left by
   a killed run is finished (same content) or rolled back (other content) by the next run, which says which.
5. release.lock.json is written locally, and git gets the tag v<version> on the code commit.

`make release-public` makes the four repositories and the collection public, then restarts the demo Space, so that
an app that could not read the private model loads it now, and waits until the Space runs (stage RUNNING; at most
SPACE_WAIT_S seconds, default 900), saying each stage it goes through.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from huggingface_hub import CommitOperationAdd, CommitOperationDelete, HfApi
from huggingface_hub.errors import HfHubHTTPError, RepositoryNotFoundError

from .check import check_release
from .checklist import Item
from .cli import UserError, one_line, run
from .files import atomic_write_bytes, sha256_file
from .gitrepo import TreeState, create_tag, tag_commit, tree_state
from .hub import client, hub_call, require_write, whoami
from .lock import release_lock
from .record import FORMAT, LOCK_FILE, lock_bytes, published_files
from .release_file import load_release, release_tag
from .stage import BUILD, build_release

KEPT_REMOTE = (".gitattributes",)  # managed by the Hub, never deleted
REPO_TYPES = ("model", "dataset", "space")
GB = 1024**3
# Titles of the commits make publish makes; huggingface_hub's resumable upload adds " (part N)" to later parts.
OUR_COMMIT = re.compile(r"^(Release v\S+ \(code [^)]*\)( \(part \d+\))?|Release record for v\S+)$")


@dataclass(frozen=True)
class Target:
    key: str  # dataset, model, demo or page: the field under hub: in release.yaml
    repo_id: str
    repo_type: str
    folder: Path
    sdk: str | None = None


def release_targets(release: dict[str, Any], build: Path) -> list[Target]:
    hub = release["hub"]
    return [
        Target("dataset", hub["dataset"], "dataset", build / "dataset"),
        Target("model", hub["model"], "model", build / "model"),
        Target("demo", hub["demo"], "space", build / "demo", "gradio"),
        Target("page", hub["page"], "space", build / "page", "static"),
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
            local = local_files(target.folder)
            changes = [FileChange(path, file.stat().st_size, "new") for path, file in local.items()]
            return RepoPlan(target, exists=False, private=private, head=None, tag=tag, changes=changes)
        sdk = getattr(info, "sdk", None)
        if target.sdk and sdk and sdk != target.sdk:
            raise UserError(
                f"Space {target.repo_id} exists with sdk {sdk!r}, but the {target.key} needs {target.sdk!r}; "
                f"delete or rename that Space, or set another hub.{target.key} in release.yaml"
            )
        local = local_files(target.folder)
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


def scan_for_token(folders: list[Path], token: str) -> None:
    """Refuse to publish a file that holds the token (the release check looks for token-like strings too)."""
    needle = token.encode()
    for folder in folders:
        for path in local_files(folder).values():
            if needle in path.read_bytes():
                raise UserError(
                    f"{path} contains your Hugging Face token; remove it from its source, revoke the token at "
                    "https://huggingface.co/settings/tokens, and keep tokens in HF_TOKEN or the login cache"
                )


def require_clean(state: TreeState, allow_dirty: bool) -> None:
    if allow_dirty:
        return
    if state.commit is None:
        raise UserError(
            "not a git repository with a commit: a release must map back to a code commit; "
            "run git init && git add -A && git commit, or publish anyway with ALLOW_DIRTY=1"
        )
    if state.changed:
        raise UserError(
            f"the git tree has uncommitted changes ({', '.join(state.changed[:5])}); commit them so the release maps "
            "to a code commit, or publish anyway with ALLOW_DIRTY=1 (the release record notes it)"
        )
    if state.untracked:
        raise UserError(
            f"files git does not track sit where the release comes from ({', '.join(state.untracked[:5])}); they would "
            "not be published: git add and commit them, or delete them, or publish anyway with ALLOW_DIRTY=1"
        )


def require_git_tag(root: Path, tag: str, state: TreeState) -> None:
    """A git tag v<version> that exists must be on the commit being published: a version names one code state."""
    tagged = tag_commit(root, tag)
    if tagged is None or state.dirty:
        return
    if tagged != state.commit:
        raise UserError(
            f"git tag {tag} is on commit {tagged[:12]}, but the code is at {state.commit[:12]}; publish what was "
            f"tagged (git checkout {tag}), or bump the version with make release VERSION=<next version>"
        )


@dataclass
class Session:
    """Everything a publishing target needs, gathered and checked before anything is changed."""

    root: Path
    api: HfApi
    token: str
    identity: dict[str, Any]
    release: dict[str, Any]
    build: Path
    plans: list[RepoPlan]
    code: TreeState

    @property
    def tag(self) -> str:
        return release_tag(self.release)

    def plan(self, key: str) -> RepoPlan:
        return next(p for p in self.plans if p.target.key == key)


def require_rights(identity: dict[str, Any], release: dict[str, Any], targets: list[Target]) -> None:
    """The token may write to hub.namespace and to the namespace of every repository of the release."""
    for namespace in sorted({release["hub"]["namespace"], *(t.repo_id.split("/")[0] for t in targets)}):
        require_write(identity, namespace)


def open_session(root: Path, build: Path, *, need_write: bool) -> Session:
    api, token = client()
    identity = whoami(api, token)
    release = load_release(root)
    targets = release_targets(release, build)
    if need_write:
        require_rights(identity, release, targets)
    for target in targets:
        if not target.folder.is_dir():
            raise UserError(f"{target.folder} is not staged; run make stage")
    private = release["hub"]["visibility"] == "private"
    known = published_files(root)
    plans = [
        plan_repo(api, token, t, release_tag(release), private, known.get((t.repo_type, t.repo_id))) for t in targets
    ]
    return Session(root, api, token, identity, release, build, plans, tree_state(root))


def require_ours(session: Session, adopt: bool, say: Callable[[str], None]) -> None:
    """Someone else's repository, or files we never published, are changed only with ADOPT=1."""
    for plan in session.plans:
        if plan.adoptable is None:
            continue
        t = plan.target
        if not adopt:
            raise UserError(
                f"{t.repo_type} {t.repo_id} already exists and {plan.adoptable}; publish into it anyway with "
                f"ADOPT=1 (its content becomes this release's), or set another hub.{t.key} in release.yaml"
            )
        say(f"note: adopting {t.repo_type} {t.repo_id} (ADOPT=1): {plan.adoptable}")


# ---------------------------------------------------------------- plan


def format_plan(session: Session) -> str:
    release = session.release
    lines = [f"Release {session.tag} of {release['title']!r}; code {session.code.describe()}"]
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


# ---------------------------------------------------------------- transfer


def commit_message(session: Session) -> tuple[str, str]:
    code = session.code
    title = f"Release {session.tag} (code {code.describe()})"
    description = (
        f"{session.release['title']}\n\nCode: {session.release['links']['code']} at {code.commit}"
        + ("\nThe working tree had uncommitted changes (ALLOW_DIRTY=1)." if code.dirty else "")
        + "\nPublished with make publish."
    )
    return title, description


def require_own_commits(session: Session, plan: RepoPlan, tip: str) -> None:
    """After a resumable upload (several "(part N)" commits, `parent_commit` only on the first): every commit
    between the planned head and `tip` is ours, and `tip` holds exactly the staged files."""
    t, api = plan.target, session.api
    for commit in api.list_repo_commits(t.repo_id, repo_type=t.repo_type, revision=tip):
        if commit.commit_id == plan.head:
            break
        if not OUR_COMMIT.match(commit.title or ""):
            raise UserError(
                f"someone else committed to {t.repo_type} {t.repo_id} during the upload ({commit.title!r}); "
                "nothing is tagged: check the repository, then run make publish again"
            )
    differs = [c.path for c in compare(local_files(t.folder), remote_files(api, t, tip)) if c.status != "unchanged"]
    if t.key == "model":
        differs = [p for p in differs if p != LOCK_FILE]
    if differs:
        raise UserError(
            f"{t.repo_type} {t.repo_id} at {tip[:12]} does not hold the staged files after the upload "
            f"({', '.join(differs[:3])}); nothing is tagged: run make publish again"
        )


def push_changes(session: Session, plan: RepoPlan, threshold_bytes: float, say: Callable[[str], None]) -> str:
    """Create the repository if needed and commit every change; returns the commit that holds the release."""
    t, api = plan.target, session.api
    with hub_call(f"creating {t.repo_type} {t.repo_id}", session.token):
        api.create_repo(t.repo_id, repo_type=t.repo_type, private=plan.private, exist_ok=True, space_sdk=t.sdk)
        if plan.head is None:
            plan.head = api.repo_info(t.repo_id, repo_type=t.repo_type).sha
    if not plan.to_send and not plan.to_delete:
        say(f"{t.key}: {t.repo_id} unchanged")
        return plan.head
    title, description = commit_message(session)
    folder = t.folder
    with hub_call(f"uploading to {t.repo_type} {t.repo_id}", session.token):
        if plan.bytes_to_send > threshold_bytes:
            # Large artifacts: upload_folder is huggingface_hub's resumable path. With Xet storage (the Hub's
            # default) it commits a large folder in several commits, "<title> (part N)", and `parent_commit`
            # guards only the first; the last part is what gets recorded and tagged, once checked.
            say(f"{t.key}: {plan.bytes_to_send:,} bytes is above the large-upload threshold; using the resumable path")
            info = api.upload_folder(
                repo_id=t.repo_id,
                folder_path=folder,
                repo_type=t.repo_type,
                commit_message=title,
                commit_description=description,
                delete_patterns=[c.path for c in plan.to_delete] or None,
                parent_commit=plan.head,
            )
            require_own_commits(session, plan, info.oid)
        else:
            operations = [CommitOperationAdd(c.path, str(folder / c.path)) for c in plan.to_send]
            operations += [CommitOperationDelete(c.path) for c in plan.to_delete]
            info = api.create_commit(
                t.repo_id,
                operations,
                commit_message=title,
                commit_description=description,
                repo_type=t.repo_type,
                parent_commit=plan.head,
            )
    say(
        f"{t.key}: {t.repo_id} commit {info.oid[:12]}: {len(plan.to_send)} files sent ({plan.bytes_to_send:,} bytes), "
        f"{len(plan.to_delete)} deleted"
    )
    return info.oid


def collect(session: Session, say: Callable[[str], None]) -> str:
    """A collection holding the four repositories, and the paper when there is one; idempotent."""
    release, api = session.release, session.api
    with hub_call("creating the collection", session.token):
        collection = api.create_collection(
            release["title"][:59],
            namespace=release["hub"]["namespace"],
            description=release["description"][:149],
            private=release["hub"]["visibility"] == "private",
            exists_ok=True,
        )
        present = {(item.item_type, item.item_id) for item in collection.items}
        for item_type, item_id in [(p.target.repo_type, p.target.repo_id) for p in session.plans]:
            if (item_type, item_id) not in present:
                api.add_collection_item(collection.slug, item_id, item_type, exists_ok=True)
    paper = str(release.get("arxiv_id") or "").split("v")[0]
    if paper and ("paper", paper) not in present:
        try:  # the Hub lists a paper only once it has indexed it; a missing paper must not block the release
            api.add_collection_item(collection.slug, paper, "paper", exists_ok=True)
        except HfHubHTTPError as exc:
            say(
                f"note: paper {paper} not added to the collection ({exc.response.status_code}); the next publish retries"
            )
    say(f"collection: {collection.slug}")
    return collection.slug


def release_record(
    session: Session, commits: dict[str, str], collection: str, model_commit: str, checks: list[Item]
) -> dict[str, Any]:
    from huggingface_hub import ModelCard

    repositories = {}
    for plan in session.plans:
        t = plan.target
        repositories[t.key] = {
            "id": t.repo_id,
            "type": t.repo_type,
            "commit": model_commit if t.key == "model" else commits[t.key],
            "tag": session.tag,
            "files": {path: sha256_file(file) for path, file in local_files(t.folder).items()},
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
    import json

    if plan.remote_lock_oid is None:
        return plan.head  # type: ignore[return-value]
    with hub_call(f"reading {LOCK_FILE} from {plan.target.repo_id}", session.token):
        path = session.api.hf_hub_download(plan.target.repo_id, LOCK_FILE, revision=plan.head)
    try:
        previous = json.loads(Path(path).read_text(encoding="utf-8"))["repositories"]["model"]
    except (ValueError, KeyError, TypeError):
        return plan.head  # type: ignore[return-value]
    ours = {p: sha256_file(f) for p, f in local_files(plan.target.folder).items()}
    return previous.get("commit") if previous.get("files") == ours else plan.head  # type: ignore[return-value]


# ---------------------------------------------------------------- tags


def tag_state(session: Session) -> str:
    """none, partial (some repositories carry the tag: a run was killed or failed while tagging) or complete."""
    tagged = sum(p.tag_commit is not None for p in session.plans)
    return "none" if tagged == 0 else "complete" if tagged == len(session.plans) else "partial"


def settle_half_tagged(session: Session, say: Callable[[str], None]) -> None:
    """A half-tagged version was never released: finish it when its tagged content is this release's, else take
    its tags back so this run can release it whole."""
    tagged = [p for p in session.plans if p.tag_commit is not None]
    names = ", ".join(p.target.key for p in tagged)
    if all(p.released for p in tagged):
        say(f"{session.tag} is half-tagged ({names}) on this release's content: finishing it")
        return
    for plan in tagged:
        t = plan.target
        with hub_call(f"removing the tag {session.tag} of the half-released {t.repo_type} {t.repo_id}", session.token):
            session.api.delete_tag(t.repo_id, tag=session.tag, repo_type=t.repo_type)
        plan.tag_commit, plan.tag_differs = None, []
    say(f"{session.tag} was half-tagged ({names}) on other content: rolled back (tags removed), releasing it whole now")


def tag_all(session: Session, revisions: dict[str, str], say: Callable[[str], None]) -> None:
    """Tag every repository; if any tag fails, remove the ones this run made, so the version stays unreleased."""
    created: list[RepoPlan] = []
    try:
        for plan in session.plans:
            if plan.released:
                continue
            t = plan.target
            with hub_call(f"tagging {t.repo_type} {t.repo_id}", session.token):
                session.api.create_tag(
                    t.repo_id,
                    tag=session.tag,
                    revision=revisions[t.key],
                    repo_type=t.repo_type,
                    tag_message=f"Release {session.tag}",
                    exist_ok=True,
                )
            created.append(plan)
    except UserError as exc:
        kept = []
        for plan in created:
            t = plan.target
            try:
                with hub_call("rollback", session.token):
                    session.api.delete_tag(t.repo_id, tag=session.tag, repo_type=t.repo_type)
            except UserError:
                kept.append(t.key)
        undone = (
            f"the tags this run made were removed ({', '.join(p.target.key for p in created)})"
            if created and not kept
            else f"the tags on {', '.join(kept)} could not be removed either: the next make publish finishes or rolls back the half-tagged version"
            if kept
            else "no tag was made"
        )
        raise UserError(f"{exc}; {undone}, so {session.tag} is not released yet") from None


# ---------------------------------------------------------------- publish


def publish(
    root: Path = Path("."),
    *,
    allow_dirty: bool = False,
    adopt: bool = False,
    say: Callable[[str], None] = print,
) -> dict[str, Any]:
    root = Path(root)
    with release_lock(root, "make publish"):
        return _publish(root, allow_dirty, adopt, say)


def _publish(root: Path, allow_dirty: bool, adopt: bool, say: Callable[[str], None]) -> dict[str, Any]:
    say("staging build/release/ from what git tracks (make stage)")
    build_release(root)
    say("checking the staged release (make check-release; the model, dataset and demo run in fresh processes)")
    items = check_release(root)
    failed = [item for item in items if item.status == "fail"]
    for item in failed:
        say(item.line())
    if failed:
        raise UserError(f"make check-release found {len(failed)} ✗ (above); fix them, then run make publish again")
    say(f"✓ make check-release passed ({len(items)} checks)")
    session = open_session(root, root / BUILD, need_write=True)
    require_clean(session.code, allow_dirty)
    require_git_tag(root, session.tag, session.code)
    scan_for_token([p.target.folder for p in session.plans], session.token)
    require_ours(session, adopt, say)
    state = tag_state(session)
    if state == "complete":
        differs = [p for p in session.plans if p.tag_differs]
        if differs:
            p = differs[0]
            raise UserError(
                f"{p.target.repo_type} {p.target.repo_id} already has tag {p.tag} on other content "
                f"({', '.join(p.tag_differs[:3])} differ); a published version never changes: "
                f"bump it with make release VERSION=<next version>"
            )
        say(f"{session.tag} is already published: every repository has tag {session.tag} on exactly these files")
        fetch_record(session, root)
        tag_code(session, say)
        return {"tag": session.tag, "commits": {}, "already_published": True}
    if state == "partial":
        settle_half_tagged(session, say)

    threshold = float(session.release["publish"]["large_folder_threshold_gb"]) * GB
    commits: dict[str, str] = {}
    model_commit = None
    for plan in session.plans:  # dataset, model, demo, page: each links only to ones already there
        commits[plan.target.key] = push_changes(session, plan, threshold, say)
        if plan.target.key == "model":
            made = plan.to_send or plan.to_delete
            model_commit = commits["model"] if made else previous_model_commit(session, plan)
    slug = collect(session, say)
    record = release_record(session, commits, slug, model_commit or commits["model"], items)
    data = lock_bytes(record)
    model = session.plan("model")
    model_tip = commits["model"]
    if git_blob_sha1_of(data) != model.remote_lock_oid:
        title, _ = commit_message(session)
        with hub_call(f"uploading {LOCK_FILE} to {model.target.repo_id}", session.token):
            info = session.api.create_commit(
                model.target.repo_id,
                [CommitOperationAdd(LOCK_FILE, data)],
                commit_message=f"Release record for {session.tag}",
                commit_description=title,
                repo_type="model",
                parent_commit=model_tip,
            )
        model_tip = info.oid
        say(f"model: {LOCK_FILE} committed ({info.oid[:12]})")
    revisions = {key: (model_tip if key == "model" else commit) for key, commit in commits.items()}
    tag_all(session, revisions, say)
    atomic_write_bytes(root / LOCK_FILE, data)
    say(f"✓ published {session.tag}: every repository is tagged; wrote {LOCK_FILE}, the release record (commit it)")
    tag_code(session, say)
    for plan in session.plans:
        prefix = {"model": "", "dataset": "datasets/", "space": "spaces/"}[plan.target.repo_type]
        visibility = "private" if plan.private else "public"
        say(
            f"  {plan.target.key:<8} {session.api.endpoint}/{prefix}{plan.target.repo_id}/tree/{session.tag}  ({visibility})"
        )
    if any(p.private for p in session.plans):
        say("Private repositories stay private until make release-public opens them.")
    return {"tag": session.tag, "commits": commits, "model_tip": model_tip, "record": record}


def tag_code(session: Session, say: Callable[[str], None]) -> None:
    """Give the code commit the release's tag in git too (not for a dirty tree: no commit holds that code)."""
    code = session.code
    if code.dirty or code.commit is None:
        say(f"note: the code had uncommitted changes, so git gets no tag {session.tag}")
        return
    if tag_commit(session.root, session.tag) is None:
        create_tag(session.root, session.tag, code.commit, f"Release {session.tag}")
        say(f"git tag {session.tag} on {code.commit[:12]} (push it: git push origin {session.tag})")


def fetch_record(session: Session, root: Path) -> None:
    """Bring the published release record home when it is missing locally."""
    if (root / LOCK_FILE).is_file():
        return
    model = session.plan("model")
    with hub_call(f"reading {LOCK_FILE} from {model.target.repo_id}", session.token):
        path = session.api.hf_hub_download(model.target.repo_id, LOCK_FILE, revision=session.tag)
    atomic_write_bytes(root / LOCK_FILE, Path(path).read_bytes())


# ---------------------------------------------------------------- public

SPACE_WAIT_S = 900.0  # how long make release-public waits for the demo Space to run again; SPACE_WAIT_S overrides
SPACE_STARTING = {"BUILDING", "RUNNING_BUILDING", "APP_STARTING", "RUNNING_APP_STARTING"}  # on its way to RUNNING
SPACE_STOPPED = {  # where a Space that will not run by itself stops, and where its logs tell why
    "BUILD_ERROR": ("its build failed", "build"),
    "RUNTIME_ERROR": ("its app crashed", "container"),
    "CONFIG_ERROR": ("its README.md configuration is invalid", "build"),
    "NO_APP_FILE": ("it has no app file", "build"),
}


def space_wait_s() -> float:
    value = os.environ.get("SPACE_WAIT_S", "").strip()
    try:
        return float(value) if value else SPACE_WAIT_S
    except ValueError:
        raise UserError(f"SPACE_WAIT_S={value!r} is not a number of seconds; e.g. SPACE_WAIT_S=1800") from None


def restart_space_and_wait(api: HfApi, token: str, space_id: str, say: Callable[[str], None], timeout: float) -> str:
    """Restart the demo Space and wait until it runs (stage RUNNING), saying each stage it goes through; one line
    naming the stage and what to do when it stops in an error stage or is not running after `timeout` seconds."""
    url = f"{api.endpoint}/spaces/{space_id}"
    with hub_call(f"restarting the demo Space {space_id}", token):
        runtime = api.restart_space(space_id)
    say(f"restarting the demo Space {space_id} so that it loads the public model; waiting until it runs")
    started = time.monotonic()
    seen, said, delay = None, started, 1.0
    while True:
        stage = str(getattr(runtime.stage, "value", runtime.stage))
        now = time.monotonic()
        if stage != seen or now - said >= 30:
            say(f"  demo Space: {'still ' if stage == seen else ''}{stage} ({now - started:.0f} s)")
            seen, said = stage, now
        if stage == "RUNNING":
            say(f"✓ demo Space {space_id} is running: {url}")
            return stage
        if stage not in SPACE_STARTING:
            why, logs = SPACE_STOPPED.get(stage, ("it is not running", "container"))
            detail = (runtime.raw or {}).get("errorMessage")
            raise UserError(
                f"the demo Space {space_id} stopped at {stage} after the restart ({why}"
                f"{': ' + one_line(detail, 200) if detail else ''}); the repositories are public, but the demo does "
                f"not run: read its logs at {url}?logs={logs}, then run make release-public YES=1 again to restart it "
                "(a fix to demo/ or src/ needs a new version: make release VERSION=<next version>)"
            )
        if now - started >= timeout:
            raise UserError(
                f"the demo Space {space_id} is still {stage} after {timeout:.0f} s; the repositories are public and "
                f"the Space may still come up: watch it at {url}, or wait longer with "
                f"make release-public YES=1 SPACE_WAIT_S={max(2 * timeout, 60):.0f}"
            )
        time.sleep(min(delay, max(timeout - (now - started), 0.1)))  # 1, 2, 4, 8, then every 10 s
        delay = min(2 * delay, 10.0)
        with hub_call(f"reading the state of the demo Space {space_id}", token):
            runtime = api.get_space_runtime(space_id)


def make_public(root: Path = Path("."), *, yes: bool = False, say: Callable[[str], None] = print) -> list[str]:
    root = Path(root)
    api, token = client()
    identity = whoami(api, token)
    release = load_release(root)
    targets = release_targets(release, root / BUILD)
    require_rights(identity, release, targets)
    wait_s = space_wait_s()
    with hub_call("reading the release repositories", token):
        for t in targets:
            if not api.repo_exists(t.repo_id, repo_type=t.repo_type):
                raise UserError(f"{t.repo_type} {t.repo_id} is not on the Hub yet; run make publish first")
    demo = next(t for t in targets if t.key == "demo")
    say("This makes these repositories and the release collection public:")
    for t in targets:
        say(f"  {t.repo_type:<8} {t.repo_id}")
    say(f"then restarts the demo Space {demo.repo_id}, so that it loads the model, and waits until it runs.")
    if not yes:
        try:
            answer = input("Type YES to make them public: ")
        except EOFError:
            answer = ""
        if answer.strip() != "YES":
            raise UserError("not confirmed, nothing changed; type YES at the prompt, or run make release-public YES=1")
    done = []
    for t in targets:
        with hub_call(f"making {t.repo_type} {t.repo_id} public", token):
            api.update_repo_settings(t.repo_id, repo_type=t.repo_type, private=False)
        say(f"✓ {t.repo_type} {t.repo_id} is public")
        done.append(t.repo_id)
    with hub_call("making the collection public", token):
        collection = api.create_collection(
            release["title"][:59], namespace=release["hub"]["namespace"], exists_ok=True, private=True
        )
        api.update_collection_metadata(collection.slug, private=False)
    say(f"✓ collection {collection.slug} is public")
    restart_space_and_wait(api, token, demo.repo_id, say, wait_s)
    return done


def main(argv: list[str] | None = None) -> Any:
    parser = argparse.ArgumentParser(description="Publish the staged release to the Hugging Face Hub.")
    parser.add_argument("action", choices=("plan", "publish", "public"), help="what to do")
    parser.add_argument("--root", default=".", help="project root (default: current directory)")
    parser.add_argument("--allow-dirty", action="store_true", help="publish from a tree with uncommitted changes")
    parser.add_argument("--adopt", action="store_true", help="publish into repositories no release of ours made")
    parser.add_argument("--yes", action="store_true", help="make-public without the confirmation prompt")
    args = parser.parse_args(argv)
    root = Path(args.root)
    say = lambda line: print(line, flush=True)  # noqa: E731 - progress must show while uploads run
    if args.action == "plan":
        return run(lambda: plan_release(root), unexpected="publish-plan")
    if args.action == "public":
        return run(lambda: make_public(root, yes=args.yes, say=say), unexpected="release-public")
    return run(lambda: publish(root, allow_dirty=args.allow_dirty, adopt=args.adopt, say=say), unexpected="publish")


if __name__ == "__main__":
    main()
