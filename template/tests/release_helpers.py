"""Template-owned helpers of the tooling's tests: a copy of the project as git would hold it, make and git in it.

A module of its own (not conftest.py), so that a conftest.py of your tests under tests/example/ never shadows it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
# Produced by make targets or tools, never part of a copy of the project (as .gitignore says for a git checkout).
PRODUCED = {
    ".git",
    ".venv",
    "venv",
    "data",
    "checkpoints",
    "build",
    "results",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
    ".gradio",
}
# Variables of an outer `make test` (its ARGS, VENV, ...) must not reach the make runs of a test.
MAKE_STATE = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "PYTHONPATH")


def git(root: Path, *args: str) -> str:
    """`git <args>` in `root` with a fixed identity; its stdout, stripped."""
    command = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args]
    return subprocess.run(command, cwd=root, capture_output=True, text=True, check=True).stdout.strip()


def make(root: Path, *args: str, venv: str | Path = sys.prefix, timeout: float = 600) -> subprocess.CompletedProcess:
    """`make -s <args>` in `root`, with this interpreter's environment as VENV (as `make VENV=...` runs)."""
    env = {k: v for k, v in os.environ.items() if k not in MAKE_STATE}
    return subprocess.run(
        ["make", "-s", *args, f"VENV={venv}"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def made(root: Path, *args: str) -> subprocess.CompletedProcess:
    """`make <args>` that must succeed; its output is the failure message otherwise."""
    done = make(root, *args)
    assert done.returncode == 0, (
        f"make {' '.join(args)} failed in {root}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    )
    return done


@contextmanager
def working_directory(path: Path) -> Iterator[None]:
    previous = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


def source_files(source: Path = ROOT) -> list[str]:
    """The project's files as a commit would hold them: what git tracks or would add (ignored files left out);
    outside a git repository, everything but what make targets and tools produce."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=source,
            capture_output=True,
            check=True,
        ).stdout.decode()
        names = [name for name in listed.split("\0") if name]
    except (subprocess.CalledProcessError, FileNotFoundError):
        names = []
        for folder, dirs, files in os.walk(source):
            dirs[:] = [d for d in dirs if d not in PRODUCED and not d.endswith(".egg-info")]
            names += [(Path(folder) / f).relative_to(source).as_posix() for f in files]
    return sorted(n for n in names if (source / n).is_file() and not (source / n).is_symlink() and ".pyc" not in n)


def copy_sources(target: Path, source: Path = ROOT) -> Path:
    """A copy of the project's files (source_files) in `target`, with a stand-in text for a custom license the
    release links as a file, as the researcher will write it."""
    for name in source_files(source):
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / name, target / name)
    release = yaml.safe_load((target / "release.yaml").read_text(encoding="utf-8"))
    for kind in ("model", "data"):
        link = release["license"].get(f"{kind}_link") or ""
        if release["license"][kind] == "other" and not link.startswith("http") and not (target / link).exists():
            (target / link).write_text("The full license text.\n", encoding="utf-8")
    return target


def commit_all(root: Path, message: str = "release") -> None:
    """`git init` (once) and commit every file .gitignore does not keep out."""
    if not (root / ".git").exists():
        git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "--no-verify", "--allow-empty", "-m", message)


def copy_project(source: Path, target: Path) -> Path:
    """A copy of a project with its git repository, its build/ and its check cache."""
    shutil.copytree(source, target, symlinks=True)
    return target


def one_line_error(message: str) -> str:
    assert message and "\n" not in message.strip() and "\r" not in message, message
    return message
