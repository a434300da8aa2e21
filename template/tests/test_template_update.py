"""Template-owned tests: `make template-update` refuses, with the fix, whatever it could not update safely, and
changes nothing.

The update itself is tested in the template's own suite, against tagged versions of the template.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from release_tools.cli import UserError
from release_tools.template_update import ANSWERS_FILE, git_url, is_local_source, main, tag

ROOT = Path(__file__).resolve().parents[1]
COPY_IGNORE = shutil.ignore_patterns(".git", ".venv", "data", "checkpoints", "build", "results", "__pycache__")


def git(root: Path, *args: str) -> str:
    command = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args]
    return subprocess.run(command, cwd=root, capture_output=True, text=True, check=True).stdout


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A committed copy of this project."""
    copy = tmp_path / "project"
    shutil.copytree(ROOT, copy, ignore=COPY_IGNORE)
    git(copy, "init", "-q")
    git(copy, "add", "-A")
    git(copy, "commit", "-q", "--no-verify", "-m", "project")
    return copy


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def refused(project: Path, action: str, match: str) -> None:
    before = snapshot(project)
    with pytest.raises(UserError, match=match):
        main([action, "--root", str(project)])
    assert snapshot(project) == before


def test_no_answers_file(project: Path) -> None:
    (project / ANSWERS_FILE).unlink()
    for action in ("update", "check"):
        refused(project, action, rf"{ANSWERS_FILE} not found, .* restore it from git")


def test_answers_file_edited_by_hand(project: Path) -> None:
    (project / ANSWERS_FILE).write_text("_src_path: [unclosed\n")
    refused(project, "check", r"is not valid YAML \(line \d+\); copier writes it, never edit it by hand")
    (project / ANSWERS_FILE).write_text("project_title: x\n")
    refused(project, "check", r"has no _src_path \(the template source\)")


def test_dirty_tree_and_no_git(project: Path) -> None:
    (project / "README.md").write_text("draft\n")
    refused(project, "update", r"uncommitted changes \(README\.md\); commit them or stash them")
    git(project, "checkout", "--", "README.md")
    (project / "notes.md").write_text("draft\n")
    refused(project, "update", r"uncommitted changes \(notes\.md\)")
    shutil.rmtree(project / ".git")
    refused(project, "update", r"not a git repository, .*git init")


def test_template_source_that_is_gone(project: Path) -> None:
    answers = project / ANSWERS_FILE
    answers.write_text("_commit: v0.1.0\n_src_path: /nonexistent/mlrelease-template\n")
    git(project, "commit", "-q", "--no-verify", "-am", "moved")
    refused(project, "update", r"the template source /nonexistent/mlrelease-template .* does not exist")
    answers.write_text("_commit: v0.1.0\n_src_path: file:///nonexistent/mlrelease-template.git\n")
    git(project, "commit", "-q", "--no-verify", "-am", "moved")
    refused(project, "update", r"cannot be reached: fatal: .*; check the network")


def test_sources_and_versions_are_read_as_copier_does() -> None:
    assert is_local_source("/home/me/mlrelease-template") and is_local_source("~/mlrelease-template")
    assert not any(
        map(is_local_source, ["gh:org/repo", "gl:org/repo", "git@github.com:org/repo.git", "file:///x/y.git"])
    )
    assert git_url("gh:org/repo") == "https://github.com/org/repo.git"
    assert git_url("git+https://example.org/repo") == "https://example.org/repo"
    assert (tag("0.2.0"), tag("v0.2.0")) == ("v0.2.0", "v0.2.0")
