"""Template-owned tests of checkpoints: staging takes every file of the evaluated checkpoint, bound by the hashes
`make eval` recorded, and weights trained elsewhere come in through `make import-checkpoint` with an honest run.json.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from huggingface_hub import ModelCard
from release_helpers import copy_project, made, one_line_error

from release_tools.check import check_release
from release_tools.checkpoint import import_checkpoint
from release_tools.cli import UserError
from release_tools.contract import Contract
from release_tools.files import sha256_file
from release_tools.stage import BUILD, build_release

EXTRA = "tokenizer.json"  # a file a transformers checkpoint has beside its weights; the example's does not
RUN_FIELDS = {"origin", "source", "files", "imported_at", "git", "libraries"}  # and nothing about a training run


def metrics_of(root: Path) -> dict:
    return json.loads((root / "results" / "metrics.json").read_text())


def staged(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in (root / BUILD).rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def imported(staged_release: Path, complete_contract: Contract, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A copy of the release whose weights come from elsewhere: the evaluated checkpoint's files, plus a
    tokenizer.json, in a folder outside the project, brought in with `make import-checkpoint SRC=<folder>`, then
    `make eval` and `make cards`."""
    base = tmp_path_factory.mktemp("imported")
    project = copy_project(staged_release, base / "project")
    trained = project / metrics_of(project)["checkpoint"]
    external = base / "elsewhere" / "my-model"
    for name in complete_contract.checkpoint_files(trained):
        if name != "run.json":  # a training run's record is not part of a model from elsewhere
            (external / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(trained / name, external / name)
    (external / EXTRA).write_text('{"version": "1.0", "added_tokens": []}\n', encoding="utf-8")
    if EXTRA not in complete_contract.checkpoint_files(external):
        pytest.skip(f"release_api.CHECKPOINT_FILES does not select {EXTRA}")
    made(project, "import-checkpoint", f"SRC={external}")
    made(project, "eval")
    build_release(project)  # make cards
    return {"project": project, "external": external, "checkpoint": (project / "checkpoints" / "latest").resolve()}


def test_import_copies_every_file_and_records_where_they_came_from(imported: dict) -> None:
    checkpoint, external = imported["checkpoint"], imported["external"]
    assert checkpoint.parent.name == "checkpoints" and checkpoint.name.startswith("imported-my-model-")
    files = {p.relative_to(external).as_posix(): sha256_file(p) for p in external.rglob("*") if p.is_file()}
    run = json.loads((checkpoint / "run.json").read_text())
    assert run["origin"] == "external" and run["files"] == files
    assert set(run) == RUN_FIELDS, set(run) - RUN_FIELDS  # no invented training facts
    assert str(external.parent) not in json.dumps(run)  # run.json is published: no path of this machine
    assert {p.relative_to(checkpoint).as_posix() for p in checkpoint.rglob("*") if p.is_file()} == {*files, "run.json"}


def test_imported_weights_are_released_like_trained_ones(imported: dict) -> None:
    project = imported["project"]
    metrics = metrics_of(project)
    assert metrics["checkpoint"] == f"checkpoints/{imported['checkpoint'].name}"
    assert EXTRA in metrics["checkpoint_files"] and "run.json" in metrics["checkpoint_files"]
    model = project / BUILD / "model"
    for name, digest in metrics["checkpoint_files"].items():  # every file, staged as make eval hashed it
        assert sha256_file(model / name) == digest, name
    failed = [i.line() for i in check_release(project) if i.status == "fail"]  # the behaviour checks included
    assert failed == []
    card = ModelCard.load(model / "README.md").text
    assert "## Training procedure" not in card  # the card leaves out what it cannot know
    if "Origin of the weights" in (project / "cards" / "model_card.md.j2").read_text(encoding="utf-8"):
        assert "## Origin of the weights" in card


def test_a_checkpoint_file_changed_or_added_after_eval_is_refused(imported: dict, tmp_path: Path) -> None:
    project = copy_project(imported["project"], tmp_path / "project")
    checkpoint = project / "checkpoints" / imported["checkpoint"].name
    before = staged(project)
    (checkpoint / EXTRA).write_text('{"version": "2.0"}\n', encoding="utf-8")
    with pytest.raises(UserError) as info:
        build_release(project)
    assert one_line_error(str(info.value)).endswith(
        f"{EXTRA} differs from the file results/metrics.json was computed with; run `make eval` again"
    )
    (checkpoint / EXTRA).write_bytes((imported["external"] / EXTRA).read_bytes())
    (checkpoint / "special_tokens_map.json").write_text("{}\n", encoding="utf-8")
    with pytest.raises(UserError) as info:
        build_release(project)
    assert one_line_error(str(info.value)).endswith(
        "special_tokens_map.json was added after `make eval`; run `make eval` again so the results cover it"
    )
    assert staged(project) == before  # the last staged release stays whole


def test_import_needs_a_folder_or_a_hub_repository(tmp_path: Path) -> None:
    (tmp_path / "weights.bin").write_bytes(b"\0")
    (tmp_path / "empty").mkdir()
    cases = {
        "": "no SRC given; run make import-checkpoint SRC=<checkpoint folder or ",
        str(tmp_path / "weights.bin"): f"SRC={tmp_path / 'weights.bin'} is neither a folder nor ",
        "./missing-folder": "SRC=./missing-folder is neither a folder nor ",
        str(tmp_path / "empty"): f"{tmp_path / 'empty'} holds no files; give the folder save_pretrained wrote",
    }
    for source, expected in cases.items():
        with pytest.raises(UserError) as info:
            import_checkpoint(source, tmp_path / "project")
        assert one_line_error(str(info.value)).startswith(expected), (source, str(info.value))
    assert not (tmp_path / "project" / "checkpoints").exists() or not any(
        (tmp_path / "project" / "checkpoints").iterdir()
    )
