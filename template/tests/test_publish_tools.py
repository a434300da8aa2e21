"""Template-owned unit tests of the offline parts of publishing: version bump, file comparison, tree state,
release file.

Publishing itself is tested against a Hub-compatible server in the template's own test suite.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

from release_tools.bump import bump_files
from release_tools.cli import UserError
from release_tools.gitrepo import TreeState, tree_state
from release_tools.publish import compare, git_blob_sha1, require_clean
from release_tools.release_file import release_problems
from release_tools.space import page_space_card

GIT = {"GIT_AUTHOR_NAME": "a", "GIT_AUTHOR_EMAIL": "a@b.c", "GIT_COMMITTER_NAME": "a", "GIT_COMMITTER_EMAIL": "a@b.c"}


def git(root: Path, *args: str) -> str:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root), **GIT}
    return subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True).stdout


def test_bump_edits_only_the_version_lines(tmp_path: Path) -> None:
    (tmp_path / "release.yaml").write_text("# my notes\ntitle: x\nversion: 0.1.0  # bumped by make release\nhub: {}\n")
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\nversion = "0.1.0"\n\n[tool.x]\nversion_file = "y"\n'
    )
    bump_files(tmp_path, "0.2.0")
    assert (tmp_path / "release.yaml").read_text() == "# my notes\ntitle: x\nversion: 0.2.0\nhub: {}\n"
    assert 'version = "0.2.0"' in (tmp_path / "pyproject.toml").read_text()
    assert 'version_file = "y"' in (tmp_path / "pyproject.toml").read_text()
    (tmp_path / "release.yaml").write_text("version: 1\nversion: 2\n")
    with pytest.raises(UserError, match="exactly one top-level version line, found 2"):
        bump_files(tmp_path, "0.3.0")
    assert 'version = "0.2.0"' in (tmp_path / "pyproject.toml").read_text(), "nothing half-bumped"


def test_files_are_compared_by_git_blob_id_or_lfs_sha256(tmp_path: Path) -> None:
    same, changed, new = tmp_path / "same.txt", tmp_path / "changed.txt", tmp_path / "new.bin"
    same.write_bytes(b"hello\n")
    changed.write_bytes(b"world\n")
    new.write_bytes(b"\0" * 10)
    git(tmp_path, "init", "-q")
    assert git_blob_sha1(same) == git(tmp_path, "hash-object", str(same)).strip()
    remote = {
        "same.txt": SimpleNamespace(size=6, blob_id=git_blob_sha1(same), lfs=None),
        "changed.txt": SimpleNamespace(size=6, blob_id=git_blob_sha1(same), lfs=None),
        "gone.txt": SimpleNamespace(size=3, blob_id="0" * 40, lfs=None),
    }
    local = {"same.txt": same, "changed.txt": changed, "new.bin": new}
    statuses = {c.path: c.status for c in compare(local, remote)}
    assert statuses == {"same.txt": "unchanged", "changed.txt": "changed", "new.bin": "new", "gone.txt": "deleted"}
    lfs = SimpleNamespace(size=10, blob_id="x", lfs=SimpleNamespace(sha256="0" * 64))
    assert compare({"new.bin": new}, {"new.bin": lfs})[0].status == "changed"


def test_outputs_do_not_make_the_tree_dirty(tmp_path: Path) -> None:
    for name in ("README.md", "src/train.py", "results/metrics.json"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("v1\n")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "one")
    (tmp_path / "README.md").write_text("re-rendered\n")
    (tmp_path / "results/metrics.json").write_text("{}\n")
    (tmp_path / "results/benchmark.json").write_text("{}\n")  # untracked, but not where the release comes from
    state = tree_state(tmp_path)
    assert state.as_record() == {"commit": git(tmp_path, "rev-parse", "HEAD").strip(), "dirty": False}
    require_clean(state, allow_dirty=False)
    (tmp_path / "src/train.py").write_text("v2\n")
    state = tree_state(tmp_path)
    assert state.dirty and state.changed == ["src/train.py"]
    with pytest.raises(UserError, match=r"uncommitted changes \(src/train.py\).*ALLOW_DIRTY=1"):
        require_clean(state, allow_dirty=False)
    require_clean(state, allow_dirty=True)
    with pytest.raises(UserError, match="not a git repository"):
        require_clean(TreeState(None), allow_dirty=False)


def test_untracked_source_files_make_the_tree_dirty(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src/train.py").write_text("v1\n")
    (tmp_path / ".gitignore").write_text(".env\n")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "one")
    (tmp_path / "src/.env").write_text("KEY=1\n")  # ignored: never released, and not a change
    assert not tree_state(tmp_path).dirty
    (tmp_path / "src/extra.py").write_text("X = 1\n")
    state = tree_state(tmp_path)
    assert state.dirty and state.untracked == ["src/extra.py"] and state.changed == []
    assert state.describe().endswith("+ uncommitted changes")
    with pytest.raises(UserError, match=r"files git does not track .*\(src/extra.py\).*ALLOW_DIRTY=1"):
        require_clean(state, allow_dirty=False)


def test_release_file_needs_the_publish_settings(project_release: dict) -> None:
    assert release_problems(project_release) == []
    del project_release["publish"]
    assert any(
        "publish.large_folder_threshold_gb" in p and "copier update --trust" in p
        for p in release_problems(project_release)
    )
    project_release["publish"] = {"large_folder_threshold_gb": -1}
    assert any("use a size in GB" in p for p in release_problems(project_release))


def test_page_space_is_static(project_release: dict) -> None:
    card = page_space_card(project_release)
    assert card.data.sdk == "static" and card.data.app_file == "index.html"


@pytest.fixture
def project_release() -> dict:
    import yaml

    return yaml.safe_load((Path(__file__).parents[1] / "release.yaml").read_text(encoding="utf-8"))
