"""Fixtures for the template's tests: generated projects, and one shared environment to run them in.

Every generated project runs in the environment these tests run in (`make VENV=<this env>`), so the
suite installs the project's dependencies once instead of once per answer set.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import copier
import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_ENV = Path(sys.prefix)


def render(destination: Path, answers: dict[str, Any]) -> Path:
    """`copier copy --defaults --data ...` of the working tree, as a user would script it."""
    copier.run_copy(str(ROOT), str(destination), data=answers, defaults=True, vcs_ref="HEAD", quiet=True, unsafe=False)
    return destination


def make(project: Path, *args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    """Run a make target of a generated project in the shared environment."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    return subprocess.run(
        ["make", *args, f"VENV={SHARED_ENV}"], cwd=project, env=env, capture_output=True, text=True, timeout=timeout
    )


def commit_all(project: Path, message: str = "work") -> None:
    """`git init` (once) and commit everything, as the generated README says: a release stages what git tracks."""
    git = ["git", "-c", "user.name=Researcher", "-c", "user.email=researcher@example.org"]
    if not (project / ".git").exists():
        subprocess.run([*git, "init", "-q", "-b", "main"], cwd=project, check=True)
    subprocess.run([*git, "add", "-A"], cwd=project, check=True)
    if subprocess.run(["git", "diff", "--cached", "--quiet"], cwd=project).returncode != 0:
        subprocess.run([*git, "commit", "-q", "--no-verify", "-m", message], cwd=project, check=True)


# Answer sets of tests/test_generate.py that differ from the others only in metadata (licenses, title, authors):
# their cards are checked in the fast tier, but their project's own `make test` runs nothing the default set's does
# not, so it belongs to the slow tier (`make test-all`).
METADATA_ONLY_SETS = ("answers2", "answers4", "answers5")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        callspec = getattr(item, "callspec", None)
        if item.originalname == "test_generated_test_suite_passes" and callspec and callspec.id in METADATA_ONLY_SETS:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def default_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(tmp_path_factory.mktemp("default") / "project", {})
