# Template-owned (mlrelease-template): `make template-update` replaces this file; keep your changes in your own files.
"""Every change `make publish` and `make release-public` make on the Hub, and the release's git tag.

Each repository gets one commit carrying all its changes (a resumable upload above the large-folder threshold,
checked afterwards to hold only our commits and exactly the staged files); then the collection, the release
record into the model repository, and the tag v<version> on every repository, all or nothing. make
release-public opens the repositories and the collection, restarts the demo Space and waits until it runs.
What to change comes from plan.py, decided before any of this runs.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from huggingface_hub import CommitOperationAdd, CommitOperationDelete, HfApi
from huggingface_hub.errors import HfHubHTTPError

from .cli import UserError, one_line
from .gitrepo import create_tag, tag_commit
from .hub import hub_call
from .plan import OUR_COMMIT, RepoPlan, Session, Target, compare, git_blob_sha1_of, remote_files
from .record import LOCK_FILE
from .release_file import Release

SPACE_WAIT_S = 900.0  # how long make release-public waits for the demo Space to run again; SPACE_WAIT_S overrides
SPACE_STARTING = {"BUILDING", "RUNNING_BUILDING", "APP_STARTING", "RUNNING_APP_STARTING"}  # on its way to RUNNING
SPACE_STOPPED = {  # where a Space that will not run by itself stops, and where its logs tell why
    "BUILD_ERROR": ("its build failed", "build"),
    "RUNTIME_ERROR": ("its app crashed", "container"),
    "CONFIG_ERROR": ("its README.md configuration is invalid", "build"),
    "NO_APP_FILE": ("it has no app file", "build"),
}


def commit_message(session: Session) -> tuple[str, str]:
    code = session.code
    title = f"Release {session.tag} (code {code.describe()})"
    description = (
        f"{session.release.title}\n\nCode: {session.release.links.code} at {code.commit}"
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
    differs = [c.path for c in compare(t.files(), remote_files(api, t, tip)) if c.status != "unchanged"]
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
            release.title[:59],
            namespace=release.hub.namespace,
            description=release.description[:149],
            private=release.hub.visibility == "private",
            exists_ok=True,
        )
        present = {(item.item_type, item.item_id) for item in collection.items}
        for item_type, item_id in [(p.target.repo_type, p.target.repo_id) for p in session.plans]:
            if (item_type, item_id) not in present:
                api.add_collection_item(collection.slug, item_id, item_type, exists_ok=True)
    paper = (release.arxiv_id or "").split("v")[0]
    if paper and ("paper", paper) not in present:
        try:  # the Hub lists a paper only once it has indexed it; a missing paper must not block the release
            api.add_collection_item(collection.slug, paper, "paper", exists_ok=True)
        except HfHubHTTPError as exc:
            say(
                f"note: paper {paper} not added to the collection ({exc.response.status_code}); the next publish retries"
            )
    say(f"collection: {collection.slug}")
    return collection.slug


def send_record(session: Session, data: bytes, model_tip: str, say: Callable[[str], None]) -> str:
    """Commit the release record into the model repository on top of `model_tip`, unless main already holds this
    exact record; returns the model repository's commit to tag."""
    model = session.plan("model")
    if git_blob_sha1_of(data) == model.remote_lock_oid:
        return model_tip
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
    say(f"model: {LOCK_FILE} committed ({info.oid[:12]})")
    return info.oid


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


def tag_code(session: Session, say: Callable[[str], None]) -> None:
    """Give the code commit the release's tag in git too (not for a dirty tree: no commit holds that code)."""
    code = session.code
    if code.dirty or code.commit is None:
        say(f"note: the code had uncommitted changes, so git gets no tag {session.tag}")
        return
    if tag_commit(session.root, session.tag) is None:
        create_tag(session.root, session.tag, code.commit, f"Release {session.tag}")
        say(f"git tag {session.tag} on {code.commit[:12]} (push it: git push origin {session.tag})")


def open_to_public(
    api: HfApi, token: str, release: Release, targets: list[Target], say: Callable[[str], None]
) -> list[str]:
    """Make every repository of the release and its collection public; returns the repositories opened."""
    done = []
    for t in targets:
        with hub_call(f"making {t.repo_type} {t.repo_id} public", token):
            api.update_repo_settings(t.repo_id, repo_type=t.repo_type, private=False)
        say(f"✓ {t.repo_type} {t.repo_id} is public")
        done.append(t.repo_id)
    with hub_call("making the collection public", token):
        collection = api.create_collection(
            release.title[:59], namespace=release.hub.namespace, exists_ok=True, private=True
        )
        api.update_collection_metadata(collection.slug, private=False)
    say(f"✓ collection {collection.slug} is public")
    return done


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
