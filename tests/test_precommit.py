"""The generated pre-commit configuration: every hook installs from the package index, a fresh project passes
all of them, and the refusing ones really refuse."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from helpers import SHARED_ENV, commit_all, render

REQUIRED_HOOKS = {
    "ruff-check",
    "ruff-format",
    "check-yaml",
    "check-toml",
    "check-merge-conflict",
    "check-added-large-files",
    "detect-private-key",
    "end-of-file-fixer",
    "trailing-whitespace",
    "no-hf-token",
    "no-copier-rejects",
}
# Hooks that pre-commit runs without installing anything (no package index needed).
OFFLINE_LANGUAGES = {"pygrep", "fail"}
FAKE_TOKEN = "hf_" + "aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"
FAKE_KEY = "-----BEGIN " + "RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END " + "RSA PRIVATE KEY-----\n"
COPY_IGNORE = shutil.ignore_patterns(".git", ".venv", "data", "checkpoints", "results", "build", "__pycache__")


def load_hooks(project: Path) -> list[dict]:
    config = yaml.safe_load((project / ".pre-commit-config.yaml").read_text())
    return [hook for repo in config["repos"] for hook in repo["hooks"]]


def test_required_hooks_are_configured(default_project: Path) -> None:
    config = yaml.safe_load((default_project / ".pre-commit-config.yaml").read_text())
    hooks = load_hooks(default_project)
    assert REQUIRED_HOOKS <= {hook["id"] for hook in hooks}
    # No hook repository to clone: everything is `local`, and the tools come pinned from the package index.
    assert all(repo["repo"] == "local" for repo in config["repos"])
    locked = dict(
        line.split("==", 1) for line in (default_project / "requirements.lock").read_text().splitlines() if "==" in line
    )
    for hook in hooks:
        if hook["language"] in OFFLINE_LANGUAGES:
            continue
        assert hook["language"] == "python", hook["id"]
        pins = dict(dep.split("==", 1) for dep in hook["additional_dependencies"])
        assert pins and all(pins.values()), hook["id"]
        if "ruff" in pins:  # the hook and `make lint` run the same ruff
            assert pins["ruff"] == locked["ruff"], hook["id"]


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pre-commit cache for the session: the hook environments install once, whichever test comes first."""
    return tmp_path_factory.mktemp("pre-commit-home")


def pre_commit(repo: Path, home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV", "SKIP"}}
    env["PRE_COMMIT_HOME"] = str(home)
    return subprocess.run(
        [str(SHARED_ENV / "bin" / "pre-commit"), "run", "--color=never", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def fresh_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project as `copier copy` leaves it (default answers); `default_project` is shared, and other tests run in it."""
    return render(tmp_path_factory.mktemp("fresh") / "project", {})


@pytest.fixture
def committed_project(fresh_project: Path, tmp_path: Path) -> Path:
    """The fresh project, committed as its README says (`git init && git add -A && git commit`)."""
    repo = tmp_path / "repo"
    shutil.copytree(fresh_project, repo, ignore=COPY_IGNORE)
    commit_all(repo, "generated")
    return repo


def test_fresh_project_passes_its_own_hooks(committed_project: Path, pre_commit_home: Path) -> None:
    done = pre_commit(committed_project, pre_commit_home, "--all-files")
    assert done.returncode == 0, done.stdout + done.stderr
    for hook in REQUIRED_HOOKS - {"no-copier-rejects"}:  # no .rej file to check in a fresh project
        name = next(h["name"] for h in load_hooks(committed_project) if h["id"] == hook)
        assert any(line.startswith(name) and line.endswith("Passed") for line in done.stdout.splitlines()), hook
    status = subprocess.run(["git", "status", "--porcelain"], cwd=committed_project, capture_output=True, text=True)
    assert status.stdout == "", f"hooks changed files:\n{status.stdout}"


def test_private_key_is_refused(committed_project: Path, pre_commit_home: Path) -> None:
    (committed_project / "deploy_key.txt").write_text(FAKE_KEY)
    subprocess.run(["git", "add", "deploy_key.txt"], cwd=committed_project, check=True)
    done = pre_commit(committed_project, pre_commit_home, "--files", "deploy_key.txt")
    assert done.returncode == 1
    assert "Private key found: deploy_key.txt" in done.stdout
    failed = [line for line in done.stdout.splitlines() if line.endswith("Failed")]
    assert len(failed) == 1 and failed[0].startswith("detect private key"), done.stdout


@pytest.fixture
def repo_with_offline_hooks(default_project: Path, tmp_path: Path) -> Path:
    """A git repository whose pre-commit config keeps only the hooks that install nothing."""
    repo = tmp_path / "repo"
    shutil.copytree(default_project, repo, ignore=COPY_IGNORE)
    config = yaml.safe_load((repo / ".pre-commit-config.yaml").read_text())
    for entry in config["repos"]:
        entry["hooks"] = [hook for hook in entry["hooks"] if hook["language"] in OFFLINE_LANGUAGES]
    (repo / "offline-hooks.yaml").write_text(yaml.safe_dump(config))
    for command in (["git", "init", "-q"], ["git", "add", "-A"]):
        subprocess.run(command, cwd=repo, check=True)
    return repo


def offline_hooks(repo: Path, home: Path, *files: str) -> subprocess.CompletedProcess:
    subprocess.run(["git", "add", "-f", *files], cwd=repo, check=True)
    return pre_commit(repo, home, "--config", "offline-hooks.yaml", "--files", *files)


def test_token_in_a_file_is_refused(repo_with_offline_hooks: Path, pre_commit_home: Path) -> None:
    (repo_with_offline_hooks / "notes.py").write_text(f'TOKEN = "{FAKE_TOKEN}"\n')
    done = offline_hooks(repo_with_offline_hooks, pre_commit_home, "notes.py")
    assert done.returncode == 1 and "no Hugging Face token in files" in done.stdout
    (repo_with_offline_hooks / "notes.py").write_text('TOKEN = os.environ["HF_TOKEN"]\n')
    assert offline_hooks(repo_with_offline_hooks, pre_commit_home, "notes.py").returncode == 0


def test_rej_file_is_refused(repo_with_offline_hooks: Path, pre_commit_home: Path) -> None:
    (repo_with_offline_hooks / "README.md.rej").write_text("@@ -1 +1 @@\n")
    done = offline_hooks(repo_with_offline_hooks, pre_commit_home, "README.md.rej")
    assert done.returncode == 1 and "Resolve the copier update conflict" in done.stdout
