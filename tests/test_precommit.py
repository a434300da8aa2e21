"""The generated pre-commit configuration: required hooks are listed, and the local ones really refuse."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import SHARED_ENV

REQUIRED_HOOKS = {
    "ruff-check",
    "ruff-format",
    "check-yaml",
    "check-toml",
    "check-merge-conflict",
    "check-added-large-files",
    "detect-private-key",
    "no-hf-token",
    "no-copier-rejects",
}
FAKE_TOKEN = "hf_" + "aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"


def test_required_hooks_are_configured(default_project: Path) -> None:
    config = yaml.safe_load((default_project / ".pre-commit-config.yaml").read_text())
    hooks = {hook["id"] for repo in config["repos"] for hook in repo["hooks"]}
    assert REQUIRED_HOOKS <= hooks
    assert all(repo["rev"] for repo in config["repos"] if repo["repo"] != "local")


@pytest.fixture
def repo_with_local_hooks(default_project: Path, tmp_path: Path) -> Path:
    """A git repository whose pre-commit config keeps only the `local` hooks (the others need the network)."""
    repo = tmp_path / "repo"
    shutil.copytree(default_project, repo, ignore=shutil.ignore_patterns(".venv", "data", "checkpoints", "results"))
    config = yaml.safe_load((repo / ".pre-commit-config.yaml").read_text())
    config["repos"] = [r for r in config["repos"] if r["repo"] == "local"]
    (repo / "local-hooks.yaml").write_text(yaml.safe_dump(config))
    for command in (["git", "init", "-q"], ["git", "add", "-A"]):
        subprocess.run(command, cwd=repo, check=True)
    return repo


def pre_commit(repo: Path, *files: str) -> subprocess.CompletedProcess:
    subprocess.run(["git", "add", "-f", *files], cwd=repo, check=True)
    return subprocess.run(
        [str(SHARED_ENV / "bin" / "pre-commit"), "run", "--config", "local-hooks.yaml", "--files", *files],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_token_in_a_file_is_refused(repo_with_local_hooks: Path) -> None:
    (repo_with_local_hooks / "notes.py").write_text(f'TOKEN = "{FAKE_TOKEN}"\n')
    done = pre_commit(repo_with_local_hooks, "notes.py")
    assert done.returncode == 1 and "no Hugging Face token in files" in done.stdout
    (repo_with_local_hooks / "notes.py").write_text('TOKEN = os.environ["HF_TOKEN"]\n')
    assert pre_commit(repo_with_local_hooks, "notes.py").returncode == 0


def test_rej_file_is_refused(repo_with_local_hooks: Path) -> None:
    (repo_with_local_hooks / "README.md.rej").write_text("@@ -1 +1 @@\n")
    done = pre_commit(repo_with_local_hooks, "README.md.rej")
    assert done.returncode == 1 and "Resolve the copier update conflict" in done.stdout
