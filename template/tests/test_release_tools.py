"""Template-owned unit tests of the tooling in src/release_tools."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from release_tools.benchmarking import format_table, percentile
from release_tools.cli import UserError, run
from release_tools.config import apply_overrides, load_config
from release_tools.files import atomic_directory, atomic_write_json, point_symlink
from release_tools.manifest import combined_checksum, verified_file, write_manifest
from release_tools.provenance import git_state, library_versions


def test_overrides_parse_yaml_values_and_reject_unknown_keys() -> None:
    config = {"seed": 1, "train": {"epochs": 3, "lr": 0.1}}
    new = apply_overrides(config, ["train.epochs=5", "train.lr=1e-3", "seed=7"])
    assert new == {"seed": 7, "train": {"epochs": 5, "lr": 0.001}} and config["train"]["epochs"] == 3
    with pytest.raises(UserError, match="key=value"):
        apply_overrides(config, ["train.epochs"])
    with pytest.raises(UserError, match="not a section"):
        apply_overrides(config, ["seed.x=1"])


def test_config_file_errors_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="not found"):
        load_config(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [1, 2\n")
    with pytest.raises(UserError, match=r"bad\.yaml is not valid YAML at line"):
        load_config(bad)


def test_atomic_writes_leave_old_content_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    atomic_write_json(target, {"a": 1})
    with pytest.raises(TypeError):
        atomic_write_json(target, {"a": object()})
    assert json.loads(target.read_text()) == {"a": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_atomic_directory_appears_whole_or_not_at_all(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError):
        with atomic_directory(tmp_path / "run") as staging:
            (staging / "half.bin").write_bytes(b"x")
            raise RuntimeError("crash")
    assert list(tmp_path.iterdir()) == []
    with atomic_directory(tmp_path / "run") as staging:
        (staging / "whole.bin").write_bytes(b"x")
    assert [p.name for p in (tmp_path / "run").iterdir()] == ["whole.bin"]


def test_atomic_directory_removes_leftovers_of_a_killed_run(tmp_path: Path) -> None:
    for name in (".run.abc123.partial", ".run.def456.old"):
        (tmp_path / name / "sub").mkdir(parents=True)
        (tmp_path / name / "sub" / "half.bin").write_bytes(b"x")
    (tmp_path / ".other.abc.partial").mkdir()  # another directory's leftovers are not this one's to remove
    with atomic_directory(tmp_path / "run") as staging:
        (staging / "whole.bin").write_bytes(b"x")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.abc.partial", "run"]


def test_symlink_is_replaced_atomically(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    point_symlink(tmp_path / "latest", "a")
    point_symlink(tmp_path / "latest", "b")
    assert (tmp_path / "latest").resolve() == (tmp_path / "b").resolve()


def test_manifest_detects_changed_files(tmp_path: Path) -> None:
    (tmp_path / "x.parquet").write_bytes(b"one")
    manifest = write_manifest(tmp_path, {"x.parquet": 1}, source="test")
    assert manifest["checksum"] == combined_checksum(manifest["files"])
    assert verified_file(tmp_path, "x.parquet")[1] == manifest["files"]["x.parquet"]["sha256"]
    (tmp_path / "x.parquet").write_bytes(b"two")
    with pytest.raises(UserError, match="does not match"):
        verified_file(tmp_path, "x.parquet")
    with pytest.raises(UserError, match="not listed"):
        (tmp_path / "y.parquet").write_bytes(b"")
        verified_file(tmp_path, "y.parquet")


def test_run_turns_user_errors_into_one_line(capsys: pytest.CaptureFixture) -> None:
    def broken() -> None:
        raise UserError("data/x.parquet not found; run `make data`")

    with pytest.raises(SystemExit) as exit_info:
        run(broken)
    assert exit_info.value.code == 1
    assert capsys.readouterr().err == "error: data/x.parquet not found; run `make data`\n"


def test_percentile_and_table() -> None:
    assert percentile([3.0, 1.0, 2.0, 4.0], 50) == 2.5
    assert percentile([1.0] * 5 + [10.0], 95) > 1.0
    assert format_table(["a", "bb"], [[1, 2]]).splitlines()[0] == "| a | bb |"


def test_provenance_outside_git(tmp_path: Path) -> None:
    assert git_state(tmp_path) == {"commit": None, "dirty": None}
    assert "python" in library_versions() and "torch" in library_versions()


def test_every_template_owned_file_says_so_in_its_first_line() -> None:
    """What `make template-update` replaces is marked; what is yours (template_update.RESEARCHER_FILES) is not."""
    from release_tools.template_update import RESEARCHER_FILES

    root = Path(__file__).resolve().parents[1]
    owned = [
        *(root / "src" / "release_tools").rglob("*.py"),
        *(root / "src" / "release_tools" / "page_assets").iterdir(),
        *(p for p in (root / "tests").glob("*.py")),
        root / "demo" / "app.py",
        root / "Makefile",
        root / ".pre-commit-config.yaml",
        *(root / ".github" / "workflows").glob("*.yml"),
    ]

    def first_line(path: Path) -> str:
        return (path.read_text(encoding="utf-8").splitlines() or [""])[0]

    unmarked = [p for p in owned if "Template-owned" not in first_line(p)]
    assert not unmarked, unmarked
    yours = [p for p in (root / "src").rglob("*.py") if RESEARCHER_FILES.match(p.relative_to(root).as_posix())]
    yours += [root / "demo" / "ui.py", *(root / "tests" / "example").rglob("*.py")]
    assert yours and not [p for p in yours if p.is_file() and "Template-owned" in first_line(p)]
