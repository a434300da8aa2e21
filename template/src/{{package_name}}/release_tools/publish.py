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

This module runs the steps in order; plan.py decides what to change (read-only), preflight.py refuses what must
not happen, transfer.py makes every change on the Hub, and record.py builds and writes the release record.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .check import check_release
from .cli import UserError, run
from .hub import client, hub_call, whoami
from .lock import release_lock
from .plan import open_session, plan_release, release_targets, require_rights, tag_state
from .preflight import require_clean, require_git_tag, require_ours, scan_for_token
from .record import LOCK_FILE, fetch_record, previous_model_commit, release_record, write_record
from .release_file import Release
from .stage import BUILD, build_release
from .transfer import (
    collect,
    open_to_public,
    push_changes,
    restart_space_and_wait,
    send_record,
    settle_half_tagged,
    space_wait_s,
    tag_all,
    tag_code,
)

GB = 1024**3


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

    threshold = (session.release.large_folder_threshold_gb or 0) * GB
    commits: dict[str, str] = {}
    model_commit = None
    for plan in session.plans:  # dataset, model, demo, page: each links only to ones already there
        commits[plan.target.key] = push_changes(session, plan, threshold, say)
        if plan.target.key == "model":
            made = plan.to_send or plan.to_delete
            model_commit = commits["model"] if made else previous_model_commit(session, plan)
    slug = collect(session, say)
    record = release_record(session, commits, slug, model_commit or commits["model"], items)
    data = record.to_bytes()
    model_tip = send_record(session, data, commits["model"], say)
    revisions = {key: (model_tip if key == "model" else commit) for key, commit in commits.items()}
    tag_all(session, revisions, say)
    write_record(root, data)
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


def make_public(root: Path = Path("."), *, yes: bool = False, say: Callable[[str], None] = print) -> list[str]:
    root = Path(root)
    api, token = client()
    identity = whoami(api, token)
    release = Release.load(root)
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
    done = open_to_public(api, token, release, targets, say)
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
