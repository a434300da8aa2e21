# Template-owned (mlrelease-template): `make template-update` replaces this file; keep your changes in your own files.
"""The project's git repository: what it tracks, what counts as dirty, and its tags.

The one module of the tooling that runs git, with one definition of each, used by staging, run records, the
release check, publishing, verification and the template update. Everything that reaches the Hub from the
project's own files comes from what git tracks: untracked and ignored files are never staged, and a symbolic link
on the way to a staged file is refused.

Two notions of "not committed", kept apart on purpose:
- `TreeState.dirty` (every release command): the code a release or a run maps to is not exactly its commit.
  Changes to OUTPUTS (what the pipeline and the tooling write) do not count; untracked files count only where the
  release comes from (SOURCE_PATHS).
- `uncommitted_anything` (the template update): any change at all, untracked files anywhere included, since
  copier update merges through git and undoes a failed update with a reset.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .cli import UserError

# What the pipeline and the release tooling write; they follow from the code and the checkpoint, so a tree
# whose only changes are these (e.g. in CI, after re-running the pipeline) still maps to its commit.
OUTPUTS = ("results", "README.md", "CITATION.cff", "release.lock.json", "paper/generated")
SYMLINK_MODE = "120000"
COMMIT_FIRST = "run git init && git add -A && git commit -m 'first commit'"
# Where the files that reach the Hub come from: an untracked file here is work that would not be released.
SOURCE_PATHS = ("release.yaml", "demo", "src", "page", "cards", "configs", "pyproject.toml", "requirements.lock")
# For git talking to another repository (the template source): never wait on a password prompt, and say why it
# failed in git's own words, untranslated, so the line that names the reason can be found.
UNATTENDED = {"GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "true", "LC_ALL": "C"}


def run_git(
    root: str | Path,
    *args: str,
    timeout: float = 60,
    env: Mapping[str, str] | None = None,
    text: bool = True,
) -> subprocess.CompletedProcess:
    """`git <args>` in `root`, for callers that read its exit status themselves; a one-line UserError only when
    git cannot run at all or takes longer than `timeout` seconds."""
    try:
        return subprocess.run(
            ["git", *args],
            cwd=root,
            capture_output=True,
            text=text,
            timeout=timeout,
            env={**os.environ, **env} if env else None,
        )
    except subprocess.TimeoutExpired:
        raise UserError(
            f"git {args[0]} took longer than {timeout:.0f} s; check the network (for a remote) and try again"
        ) from None
    except OSError as exc:
        raise UserError(f"git {args[0]} could not run ({type(exc).__name__}); install git and try again") from None


def git(root: str | Path, *args: str, check: bool = True) -> str | None:
    """stdout of `git <args>` in `root`; None when it fails and `check` is false, else a one-line UserError."""
    try:
        done = run_git(root, *args)
    except UserError:
        if not check:
            return None
        raise
    if done.returncode != 0:
        if not check:
            return None
        lines = done.stderr.strip().splitlines()
        raise UserError(f"git {' '.join(args)} failed: {lines[-1] if lines else done.returncode}")
    return done.stdout


def head_commit(root: str | Path = ".") -> str | None:
    """The checked-out commit, or None outside a git repository (or before its first commit)."""
    out = git(root, "rev-parse", "--verify", "-q", "HEAD^{commit}", check=False)
    return out.strip() if out else None


def is_repository(root: str | Path) -> bool:
    return git(root, "rev-parse", "--is-inside-work-tree", check=False) is not None


def tracked_modes(root: str | Path) -> dict[str, str]:
    """Path -> git file mode of every tracked file (the index), relative to `root`."""
    if not is_repository(root):
        raise UserError(
            f"{Path(root).resolve()} is not a git repository: a release stages only what git tracks; {COMMIT_FIRST}"
        )
    out = git(root, "ls-files", "-s", "-z", "--", ".") or ""  # paths relative to `root`
    modes = {}
    for entry in filter(None, out.split("\0")):
        meta, _, path = entry.partition("\t")
        modes[path] = meta.split()[0]
    return modes


def untracked(root: str | Path, paths: tuple[str, ...] | list[str]) -> list[str]:
    """Files under `paths` that git neither tracks nor ignores: work that would silently not be released."""
    existing = [p for p in paths if (Path(root) / p).exists()]
    if not existing or not is_repository(root):
        return []
    out = git(root, "ls-files", "-z", "--others", "--exclude-standard", "--", *existing, check=False) or ""
    return sorted(filter(None, out.split("\0")))


@dataclass(frozen=True)
class Change:
    """One line of `git status --porcelain`: git's two-letter code ("??" for untracked) and the path."""

    code: str
    path: str

    @property
    def untracked(self) -> bool:
        return self.code == "??"

    def __str__(self) -> str:
        return f"{self.code} {self.path}"


def status(root: str | Path, *pathspecs: str, untracked: bool = True) -> list[Change]:
    """What `git status` reports under `pathspecs` (none: the whole repository), untracked files one by one when
    `untracked`; empty when git cannot tell (not a repository)."""
    mode = "--untracked-files=all" if untracked else "--untracked-files=no"
    out = git(root, "status", "--porcelain", mode, *(["--", *pathspecs] if pathspecs else []), check=False)
    return [Change(line[:2], line[3:]) for line in (out or "").splitlines() if line.strip()]


def changed(root: str | Path, exclude: tuple[str, ...] = OUTPUTS) -> list[str]:
    """Tracked files that differ from HEAD (staged or not, deleted included), leaving out the `exclude` paths."""
    pathspecs = [f":(exclude){path}" for path in exclude]
    return [change.path for change in status(root, ".", *pathspecs, untracked=False)]


def uncommitted_anything(root: str | Path) -> list[str]:
    """Every path of the whole repository that is not exactly as committed, untracked files included (ignored ones
    not): what copier update needs to be empty. Stricter than `TreeState.dirty`, which is what releases use."""
    return [change.path for change in status(root, untracked=True)]


@dataclass
class TreeState:
    """The code a release maps back to: its commit, and why it is not exactly that commit (if it is not)."""

    commit: str | None
    changed: list[str] = field(default_factory=list)  # tracked files that differ from the commit
    untracked: list[str] = field(default_factory=list)  # files in staged paths that git does not know

    @property
    def dirty(self) -> bool:
        """The one definition every release command uses: no commit, or not exactly the commit."""
        return self.commit is None or bool(self.changed or self.untracked)

    @property
    def dirty_paths(self) -> list[str]:
        """Why the tree is dirty, path by path: changed tracked files, then untracked ones."""
        return self.changed + self.untracked

    def describe(self) -> str:
        if self.commit is None:
            return "no git commit"
        return self.commit[:12] + (" + uncommitted changes" if self.dirty else "")

    def as_record(self) -> dict:
        return {"commit": self.commit, "dirty": self.dirty}


def tree_state(root: str | Path = ".") -> TreeState:
    """Commit, changed tracked files (outside OUTPUTS) and untracked files in the SOURCE_PATHS."""
    commit = head_commit(root)
    if commit is None:
        return TreeState(None)
    return TreeState(commit, changed(root), untracked(root, SOURCE_PATHS))


def refuse_links(root: Path, relative: str | Path) -> Path:
    """`root/relative`, after checking that neither it nor a folder on the way is a symbolic link."""
    path = Path(root)
    for part in Path(relative).parts:
        path = path / part
        if path.is_symlink():
            shown = path.relative_to(root).as_posix()
            raise UserError(
                f"{shown} is a symbolic link; a release never follows links (they can point outside the project): "
                "replace it with the real file or folder"
            )
    return path


class TrackedTree:
    """Read access to the files git tracks in the project, and only to those."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.modes = tracked_modes(self.root)

    def file(self, relative: str) -> Path:
        """The working-tree path of a tracked regular file; a one-line error for anything else."""
        relative = Path(relative).as_posix()
        mode = self.modes.get(relative)
        if mode is None:
            state = "does not exist" if not (self.root / relative).exists() else "is not tracked by git"
            raise UserError(
                f"{relative} {state}; a release stages only files git tracks: git add {relative} and commit"
            )
        if mode == SYMLINK_MODE:
            raise UserError(
                f"{relative} is a symbolic link in git; a release never follows links: commit the real file"
            )
        path = refuse_links(self.root, relative)
        if not path.is_file():
            raise UserError(
                f"{relative} is tracked by git but missing from the working tree; restore it with git checkout -- {relative}"
            )
        return path

    def has(self, relative: str) -> bool:
        return Path(relative).as_posix() in self.modes

    def under(self, folder: str) -> list[str]:
        """Tracked files below `folder`, sorted."""
        prefix = folder.rstrip("/") + "/"
        return sorted(path for path in self.modes if path.startswith(prefix))

    def copy(self, relative: str, destination: Path) -> None:
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.file(relative), destination)

    def copy_folder(self, folder: str, destination: Path, skip_suffixes: tuple[str, ...] = (".pyc",)) -> list[str]:
        """Copy every tracked file below `folder` into `destination`, keeping the layout; returns what was copied."""
        copied = []
        for relative in self.under(folder):
            if relative.endswith(skip_suffixes):
                continue
            self.copy(relative, destination / Path(relative).relative_to(folder))
            copied.append(relative)
        return copied


def tag_commit(root: str | Path, tag: str) -> str | None:
    """The commit a git tag points at, or None when there is no such tag."""
    out = git(root, "rev-parse", "--verify", "-q", f"refs/tags/{tag}^{{commit}}", check=False)
    return out.strip() if out else None


def commit_exists(root: str | Path, commit: str) -> bool:
    return bool(commit) and git(root, "cat-file", "-e", f"{commit}^{{commit}}", check=False) is not None


def create_tag(root: str | Path, tag: str, commit: str, message: str) -> None:
    """An annotated tag on `commit` (a commit id, or a name such as HEAD)."""
    git(root, "tag", "-a", tag, commit, "-m", message)


def stage_paths(root: str | Path, paths: list[str] | tuple[str, ...]) -> None:
    """git add `paths`."""
    git(root, "add", "--", *paths)


def staged(root: str | Path, *paths: str) -> list[str]:
    """Of `paths`, those whose staged content differs from HEAD: what a commit of them would change."""
    out = git(root, "diff", "--cached", "--name-only", "--", *paths) or ""
    return [line for line in out.splitlines() if line]


def commit_changes(root: str | Path, message: str, paths: list[str] | tuple[str, ...] = ()) -> None:
    """Commit what is staged, or only `paths` when given."""
    git(root, "commit", "-q", "-m", message, *(["--", *paths] if paths else []))


def committed_versions(root: str | Path, relative: str) -> Iterator[tuple[str, bytes]]:
    """(commit, content) of every committed version of `relative`, newest first."""
    out = git(root, "log", "--format=%H", "--", relative, check=False) or ""
    for commit_id in out.split():
        done = run_git(root, "show", f"{commit_id}:{relative}", text=False)
        if done.returncode == 0:
            yield commit_id, done.stdout
