# Template-owned (mlrelease-template): `make template-update` replaces this file; keep your changes in your own files.
"""`make verify-release [VERSION=x.y.z]`: is the release on the Hub the one this project published, and does it
still do what its cards say?

It trusts nothing on the Hub. The reference is the local release record (release.lock.json, in the working tree
or any commit of it) and git: the record's code commit must exist here and carry the git tag v<version>. Into an
empty cache it downloads all four repositories at the tag and checks every file's sha256 against the record
(the model's release.lock.json must equal the local one); only if all match does it run the release's own code,
in fresh processes: the model loads from the downloaded folder, the evaluation re-run on the downloaded split
equals the model-index in the record, `datasets.load_dataset` gives the card's splits, and the downloaded demo
Space answers an example as the model does. Prints ✓/✗ per check and PASS or FAIL; exits 1 on FAIL.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from huggingface_hub import DatasetCard, ModelCard, snapshot_download
from huggingface_hub.errors import RevisionNotFoundError

from .behaviour import Expected, Folders, check_behaviour
from .cards import expected_splits
from .check import fresh_metrics
from .cli import UserError, run
from .files import sha256_file
from .gitrepo import commit_exists, tag_commit
from .hub import client, hub_call
from .plan import KEPT_REMOTE, local_files
from .record import LOCK_FILE, ReleaseRecord, parsed_or_none, record_of
from .release_file import Release, normalized_version

ORDER = ("dataset", "model", "demo", "page")


def download(repo_id: str, repo_type: str, tag: str, cache: Path, token: str) -> tuple[Path | None, str | None]:
    """The repository at `tag` as a plain folder of files, and the commit the tag points at; (None, None) when it
    has no such tag. The Hub cache links snapshot files to blobs; the copy has the files themselves, as a user's
    download folder would."""
    with hub_call(f"downloading {repo_type} {repo_id} at {tag}", token):
        try:
            snapshot = Path(
                snapshot_download(repo_id, repo_type=repo_type, revision=tag, cache_dir=cache / "hub", token=token)
            )
        except RevisionNotFoundError:
            return None, None
    folder = cache / "release" / f"{repo_type}-{repo_id.replace('/', '--')}"
    shutil.copytree(snapshot, folder)  # follows the links
    return folder, snapshot.name  # the snapshot folder is named after the commit


def downloaded_files(folder: Path) -> dict[str, Path]:
    """The files of a downloaded repository that a release publishes (not the Hub's own .gitattributes)."""
    return {path: file for path, file in local_files(folder).items() if path not in KEPT_REMOTE}


def file_problems(kind: str, folder: Path, recorded: dict[str, str], local: ReleaseRecord) -> list[str]:
    found = downloaded_files(folder)
    lock = found.pop(LOCK_FILE, None) if kind == "model" else None
    problems = [f"{kind} {path} is not in the release record" for path in sorted(set(found) - set(recorded))]
    problems += [f"{kind} {path} is missing" for path in sorted(set(recorded) - set(found))]
    problems += [
        f"{kind} {path} sha256 differs from the release record"
        for path in sorted(set(found) & set(recorded))
        if sha256_file(found[path]) != recorded[path]
    ]
    if kind == "model":
        remote = parsed_or_none(lock.read_bytes(), f"model {LOCK_FILE}") if lock is not None else None
        if lock is None:
            problems.append(f"model has no {LOCK_FILE} at the tag")
        elif remote is None or remote.data != local.data:  # all of the record agrees, not only what is read here
            problems.append(f"model {LOCK_FILE} at the tag differs from the local release record")
    return problems


def verify(
    root: Path = Path("."),
    version: str | None = None,
    tolerance: float | None = None,
    say: Callable[[str], None] = print,
) -> bool:
    release = Release.load(root)
    version_text = version or release.version
    version = normalized_version(version_text)
    if version is None:
        raise UserError(f"VERSION={version_text!r} is not a version like 0.1.0")
    tag = f"v{version}"
    local = record_of(root, version)
    if local is None:
        raise UserError(
            f"no release record of {tag} here ({LOCK_FILE} in the working tree or in any commit); verify-release "
            f"trusts only the record make publish wrote: commit {LOCK_FILE} after publishing, or check out a commit that has it"
        )
    failures: list[str] = []

    def report(ok: bool, text: str, *, warn: bool = False) -> None:
        say(("✓ " if ok else "⚠ " if warn else "✗ ") + text)
        if not ok and not warn:
            failures.append(text)

    record = local.record
    say(f"verify-release {tag}: the reference is the local {local.source}")
    if not local.committed:
        report(False, f"{LOCK_FILE} is not committed yet: commit it so the record stays with the code", warn=True)
    check_code(root, record, tag, report)
    _, token = client()
    repositories = record.repositories
    with tempfile.TemporaryDirectory(prefix="verify-release-") as tmp:
        cache = Path(tmp)
        say("downloading the four repositories at the tag into an empty cache")
        folders: dict[str, Path] = {}
        for key in ORDER:
            repo = repositories.get(key)
            if repo is None:
                report(False, f"the release record has no {key} repository")
                continue
            folder, commit = download(repo.id, repo.type, tag, cache, token)
            if folder is None:
                report(False, f"{repo.type} {repo.id} has no tag {tag}")
                continue
            problems = file_problems(key, folder, repo.files, record)
            if key != "model" and commit != repo.commit:
                problems.append(f"the tag is on commit {commit[:12]}, the record says {repo.commit[:12]}")
            report(
                not problems,
                "; ".join(problems) or f"{key}: every file at {tag} matches the record ({len(repo.files)} files)",
            )
            folders[key] = folder
        if failures:
            say("✗ the release's code is not run: what was downloaded is not what the record describes")
            return finish(tag, failures, say)
        expected = expected_from(record, folders, tolerance if tolerance is not None else release.metric_tolerance)
        release_folders = Folders(folders["model"], folders["dataset"], folders["demo"])
        for item in check_behaviour(release.package, release_folders, expected, fresh_metrics(release)):
            report(
                item.status != "fail",
                item.name + (f" — {item.detail}" if item.detail else ""),
                warn=item.status == "warn",
            )
    return finish(tag, failures, say)


def check_code(root: Path, record: ReleaseRecord, tag: str, report: Callable[..., None]) -> None:
    """The record's code commit exists in this repository, and git's tag of the version points at it."""
    commit = record.code_commit or ""
    if not commit_exists(root, commit):
        report(False, f"code commit {commit[:12] or 'none'} of the record is not in this git repository")
        return
    if record.code_dirty:
        report(
            False,
            f"code {commit[:12]} (published from a tree with uncommitted changes, so no commit holds that exact code)",
            warn=True,
        )
        return
    tagged = tag_commit(root, tag)
    if tagged is None:
        report(
            False,
            f"git has no tag {tag}; make publish tags the code commit {commit[:12]} (git fetch --tags if it was pushed)",
        )
    elif tagged != commit:
        report(False, f"git tag {tag} is on {tagged[:12]}, but the record's code commit is {commit[:12]}")
    else:
        report(True, f"code commit {commit[:12]} carries git tag {tag}")


def expected_from(record: ReleaseRecord, folders: dict[str, Path], tolerance: float) -> Expected:
    """The numbers to reproduce: the record's model-index (records before format 2: the verified model card's)."""
    entries = record.model_index
    if entries:
        metrics = {(e.type, e.name): e.value for e in entries}
        split = entries[0].split
    else:
        results = ModelCard.load(folders["model"] / "README.md").data.eval_results or []
        metrics = {(r.metric_type, r.metric_name): r.metric_value for r in results}
        split = results[0].dataset_split if results else None
    splits = expected_splits(DatasetCard.load(folders["dataset"] / "README.md"))
    return Expected(split=split, metrics=metrics, splits=splits, tolerance=tolerance)


def finish(tag: str, failures: list[str], say: Callable[[str], None]) -> bool:
    if failures:
        say(
            f"FAIL: {tag} is not the release this project published, or does not reproduce: {len(failures)} check(s) failed"
        )
        return False
    say(f"PASS: {tag} is the release this project published, and it reproduces its results")
    return True


def main(argv: list[str] | None = None) -> bool:
    parser = argparse.ArgumentParser(description="Download the tagged release and check it against the local record.")
    parser.add_argument("--version", default="", help="release version (default: release.yaml's)")
    parser.add_argument(
        "--tolerance",
        type=float,
        default=None,
        help="largest accepted |Δ| per metric (default: release.yaml's checks.metric_tolerance, else 0)",
    )
    parser.add_argument("--root", default=".", help="project root (default: current directory)")
    args = parser.parse_args(argv)
    ok = run(
        lambda: verify(Path(args.root), args.version or None, args.tolerance, say=lambda s: print(s, flush=True)),
        unexpected="verify-release",
    )
    if not ok:
        raise SystemExit(1)
    return ok


if __name__ == "__main__":
    main()
