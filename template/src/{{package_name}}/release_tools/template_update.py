# Template-owned (mlrelease-template): `make template-update` replaces this file; keep your changes in your own files.
"""`make template-update` and `make template-check`: pull template improvements into this project safely.

`update` refuses before touching anything when the project cannot be updated (no or broken
`.copier-answers.yml`, not a git repository, uncommitted changes, a template source that cannot be
reached or does not have the recorded version), then runs
`copier update --trust --defaults --conflict inline`. If copier fails, the project is put back to the
commit it started from. Afterwards it lists every file with conflict markers and every `*.rej` file,
and fails while any remain. `--trust` is needed because the template's migrations (`_migrations`,
scripts in its hooks/) run when an update crosses a breaking version.

`check` runs `copier check-update` and says whether a newer template version exists.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
from packaging.version import InvalidVersion, Version

from .cli import UserError, run
from .gitrepo import (
    UNATTENDED,
    commit_exists,
    git,
    head_commit,
    is_repository,
    run_git,
    status,
    uncommitted_anything,
)

ANSWERS_FILE = ".copier-answers.yml"
# The template's `_min_copier_version`: the first copier with `check-update`.
MIN_COPIER = Version("9.13.0")
REMOTE_PREFIXES = ("gh:", "gl:", "git@", "git+")
DESCRIBE = re.compile(r"^(?P<tag>.+)-[0-9]+-g[0-9a-f]+$")
HEX = re.compile(r"^[0-9a-f]{7,40}$")
RESTORE = f"restore it from git (git log -p -- {ANSWERS_FILE}), commit, and retry"
NETWORK_TIMEOUT = 120
# The files of yours, as copier.yml's _skip_if_exists lists them.
RESEARCHER_FILES = re.compile(
    r"^(release\.yaml|cards/[^/]*\.md\.j2|page/.*|configs/.*|src/(?![^/]+/release_tools/).*|demo/ui\.py|tests/example/.*)$"
)


def is_local_source(src: str) -> bool:
    """A filesystem path rather than a git URL: updates then need the template at that same path."""
    return not (src.startswith(REMOTE_PREFIXES) or "://" in src)


def git_url(src: str) -> str:
    """The URL git understands for a copier source (copier's gh:/gl:/git+ shorthands expanded)."""
    for alias, host in (("gh:", "https://github.com/"), ("gl:", "https://gitlab.com/")):
        if src.startswith(alias):
            url = host + src[len(alias) :].lstrip("/")
            return url if url.endswith(".git") else url + ".git"
    if src.startswith("git+"):
        return src[len("git+") :]
    return os.path.expanduser(src) if is_local_source(src) else src


def last_line(*outputs: str) -> str:
    """The line of a command's output that says what went wrong."""
    lines = [line.strip() for text in outputs for line in text.splitlines() if line.strip()]
    fatal = [line for line in lines if line.startswith("fatal:")]  # git's reason comes first
    errors = [line for line in lines if line.lower().startswith("error")]
    return fatal[0] if fatal else (errors or lines or ["no output"])[-1]


def read_answers(root: Path) -> dict[str, Any]:
    path = root / ANSWERS_FILE
    if not path.is_file():
        raise UserError(
            f"{ANSWERS_FILE} not found, so copier does not know this project's template and answers; "
            f"restore it from git (git log --all -- {ANSWERS_FILE}) or generate a new project with copier copy "
            "and move your work into it"
        )
    try:
        answers = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        raise UserError(
            f"{ANSWERS_FILE} is not valid YAML{where}; copier writes it, never edit it by hand: {RESTORE}"
        ) from None
    if not isinstance(answers, dict):
        raise UserError(f"{ANSWERS_FILE} must be a YAML mapping written by copier: {RESTORE}")
    for key, what in (("_src_path", "the template source"), ("_commit", "the template version")):
        if not isinstance(answers.get(key), str) or not answers[key].strip():
            raise UserError(f"{ANSWERS_FILE} has no {key} ({what}), so it cannot be updated: {RESTORE}")
    return answers


def require_committed(root: Path) -> str:
    """The HEAD commit of a git work tree in which everything is committed (gitrepo.uncommitted_anything: the
    whole repository, untracked files included, as copier update needs; stricter than a release's "dirty")."""
    if not is_repository(root):
        raise UserError(
            "this project is not a git repository, and copier update merges through git; "
            "run git init && git add -A && git commit -m 'Generated project', then retry"
        )
    head = head_commit(root)
    if head is None:
        raise UserError(
            "this git repository has no commit yet; commit the project (git add -A && git commit), then retry"
        )
    changed = uncommitted_anything(root)
    if changed:
        shown = ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
        raise UserError(
            f"the working tree has uncommitted changes ({shown}); commit them or stash them (git stash -u), "
            "then run make template-update again"
        )
    return head


def template_tags(root: Path, src: str) -> set[str]:
    """The version tags of the template source; fails with the fix when the source cannot be reached."""
    url = git_url(src)
    if is_local_source(src) and not Path(url).exists():
        raise UserError(
            f"the template source {src} (_src_path in {ANSWERS_FILE}) does not exist; put the template's git "
            f"clone back there, or set _src_path to the template's git URL (the one hand edit {ANSWERS_FILE} "
            "allows), commit, and retry"
        )
    listed = run_git(root, "ls-remote", "--tags", url, timeout=NETWORK_TIMEOUT, env=UNATTENDED)
    if listed.returncode != 0:
        raise UserError(
            f"the template source {src} (_src_path in {ANSWERS_FILE}) cannot be reached: "
            f"{last_line(listed.stderr)}; check the network, access and URL, or set _src_path to the template's "
            "git URL, commit, and retry"
        )
    tags = {
        line.split("refs/tags/", 1)[1].removesuffix("^{}")
        for line in listed.stdout.splitlines()
        if "refs/tags/" in line
    }
    if not tags:
        raise UserError(f"the template source {src} has no version tags (vX.Y.Z); copier update needs tagged versions")
    return tags


def check_recorded_version(root: Path, src: str, commit: str, tags: set[str]) -> None:
    match = DESCRIBE.match(commit)
    if commit in tags or (match and match["tag"] in tags):
        return
    if HEX.match(commit) and (not is_local_source(src) or commit_exists(root / git_url(src), commit)):
        return  # a commit id: only a local source can be asked whether it has it without a clone
    raise UserError(f"_commit: {commit} in {ANSWERS_FILE} is not a version of the template at {src}; {RESTORE}")


def warn_if_local(src: str) -> None:
    if is_local_source(src):
        print(
            f"warning: this project updates from the local path {src}; updates need the template's git clone at "
            f"that path (set _src_path in {ANSWERS_FILE} to the template's git URL to update from anywhere)",
            file=sys.stderr,
        )


def copier_command(spec: str | None) -> list[str]:
    """The copier to run (COPIER= in make, default this Python's), checked against the template's minimum."""
    command = shlex.split(spec) if spec else [sys.executable, "-m", "copier"]
    try:
        done = subprocess.run([*command, "--version"], capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        done = None
    # `copier 9.19.1`, or `__main__.py 9.19.1` when run as python -m copier
    found = re.search(r"(\d+(?:\.\d+)+\S*)\s*$", done.stdout) if done and done.returncode == 0 else None
    if not found:
        raise UserError(
            f"copier is not available as `{shlex.join(command)}`; run make setup (copier is one of the dev tools) "
            "or pass COPIER=/path/to/copier"
        )
    try:
        version = Version(found[1])
    except InvalidVersion:
        return command  # a development build: let copier's own _min_copier_version check decide
    if version < MIN_COPIER:
        raise UserError(
            f"copier {version} is older than {MIN_COPIER}, the oldest this template supports; "
            f"run pip install 'copier>={MIN_COPIER}' (make setup installs the pinned one)"
        )
    return command


def preflight(root: Path, copier: str | None, *, clean: bool) -> tuple[dict[str, Any], list[str], str | None]:
    answers = read_answers(root)
    head = require_committed(root) if clean else None
    src, commit = answers["_src_path"], answers["_commit"]
    check_recorded_version(root, src, commit, template_tags(root, src))
    command = copier_command(copier)
    warn_if_local(src)
    return answers, command, head


def restore(root: Path, head: str) -> None:
    """Put the tree back to `head`; it was clean before copier ran, so only copier's changes are undone."""
    run_git(root, "reset", "--hard", "-q", head)
    run_git(root, "clean", "-fdq", "--", ".")


def update(root: Path, copier: str | None, vcs_ref: str | None) -> None:
    answers, command, head = preflight(root, copier, clean=True)
    assert head is not None
    args = [*command, "update", "--trust", "--defaults", "--conflict", "inline"]
    if vcs_ref:
        args += ["--vcs-ref", vcs_ref]
    print(f"copier update from {answers['_commit']} ({shlex.join(args[len(command) :])}); migrations run with --trust")
    done = subprocess.run([*args, "."], cwd=root, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    sys.stdout.write(done.stdout)
    if done.returncode != 0:
        restore(root, head)
        raise UserError(
            f"copier update failed, project left as it was: {last_line(done.stderr, done.stdout)}; "
            "fix that and run make template-update again"
        )
    sys.stdout.write(done.stderr)  # copier's progress lines; this command's own errors stay on stderr
    for path in deleted_again(root):
        print(f"  kept deleted: {path} (you deleted it earlier; copier brings back files it only writes when missing)")
    new_commit = (read_answers(root) or {}).get("_commit")
    changed = status(root, ".")
    from .check import conflict_leftovers  # here: importing the checks loads the cards and the Hub client

    leftovers = conflict_leftovers(root)
    if leftovers:
        print(f"template update {answers['_commit']} -> {new_commit}: {len(leftovers)} file(s) need you:")
        for name, kind in leftovers:
            print(
                f"  {name}: "
                + (
                    "rejected hunk; apply it by hand, then delete the file"
                    if kind == "rej"
                    else "conflict markers; keep what you want and delete the markers"
                )
            )
        names = ", ".join(name for name, _ in leftovers)
        raise UserError(
            f"conflicts remain in {names}; resolve them (git diff shows the markers), delete any *.rej, "
            "then git add -A and commit"
        )
    if not changed:
        print(f"template already at {new_commit}; nothing changed")
        return
    print(f"template updated {answers['_commit']} -> {new_commit}; {len(changed)} file(s) changed:")
    for change in changed:
        print(f"  {change}")
    print("review with git diff, run make test, then commit (git add -A && git commit)")


def deleted_again(root: Path) -> list[str]:
    """Files of yours that copier recreated although you had deleted them (replacing the example, say): copier writes
    a file it skips when it exists (`_skip_if_exists`) whenever it is missing. Those git saw deleted are removed."""
    removed = []
    for change in status(root, "."):
        if not change.untracked or not RESEARCHER_FILES.match(change.path):
            continue
        if (git(root, "log", "--diff-filter=D", "--format=%H", "-1", "--", change.path, check=False) or "").strip():
            (root / change.path).unlink()
            removed.append(change.path)
    return removed


def tag(version: Any) -> str:
    """copier reports PEP 440 versions (0.2.0); the template's tags are vX.Y.Z."""
    text = str(version)
    return f"v{text}" if text[:1].isdigit() else text


def check(root: Path, copier: str | None) -> None:
    _, command, _ = preflight(root, copier, clean=False)
    done = subprocess.run(
        [*command, "check-update", "--output-format", "json", "."],
        cwd=root,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    report = None
    for line in reversed(done.stdout.splitlines()):
        try:
            report = json.loads(line)
            break
        except ValueError:
            continue
    if done.returncode != 0 or not isinstance(report, dict):
        raise UserError(f"copier check-update failed: {last_line(done.stderr, done.stdout)}")
    current, latest = (tag(report.get(key)) for key in ("current_version", "latest_version"))
    if report.get("update_available"):
        print(f"a newer template version is available: {latest} (this project: {current}); run make template-update")
    else:
        print(f"up to date with the template ({current})")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["update", "check"])
    parser.add_argument("--copier", default=None, help="copier command to run (default: python -m copier)")
    parser.add_argument("--vcs-ref", default=None, help="template version to update to (default: the newest tag)")
    parser.add_argument("--root", type=Path, default=Path("."), help="project root (default: current directory)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    if args.action == "update":
        update(root, args.copier or None, args.vcs_ref or None)
    else:
        check(root, args.copier or None)


if __name__ == "__main__":
    run(main)
