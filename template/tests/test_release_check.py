"""Template-owned tests of the release checklist: each item turns ✗ with its fix when its defect is planted, and ✓
again once fixed. The research code is reached only through release_api.py (the contract)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from huggingface_hub import DatasetCard, ModelCard
from release_helpers import copy_project, copy_sources, git, one_line_error

from release_tools import check
from release_tools.cards import expected_splits
from release_tools.check import check_release
from release_tools.cli import UserError
from release_tools.contract import DECLARATIONS, FUNCTIONS, INPUT_KINDS, Contract, is_todo, pipeline_input, todo
from release_tools.files import sha256_file
from release_tools.link_paper import link_paper
from release_tools.readme_blocks import metric_rows
from release_tools.stage import build_release

CHECKLIST_ITEMS = 14  # metadata, contract, task, links, drift, secrets, paths, conflicts, git
BEHAVIOUR_ITEMS = 4  # model, evaluation, dataset, demo: in fresh processes, cached in build/.checks/
CONTRACT_ITEM = "release_api.py declares everything the release tooling calls"
TASK_ITEM = "pipeline_tag, tags, task categories and demo input agree"


@pytest.fixture
def project(staged_release: Path, tmp_path: Path) -> Path:
    return copy_project(staged_release, tmp_path / "project")


def project_files(root: Path) -> list[Path]:
    """Every file of the project but its git repository, symbolic links left out."""
    return [
        p for p in root.rglob("*") if p.is_file() and not p.is_symlink() and ".git" not in p.relative_to(root).parts
    ]


def item(root: Path, prefix: str, *, behaviour: bool = False):
    """The first checklist item whose name starts with `prefix`; the behaviour checks only when asked for."""
    items = check_release(root, behaviour=behaviour)
    return next(i for i in items if i.name.startswith(prefix))


def all_pass(root: Path, *, behaviour: bool = False) -> bool:
    """No item fails; with `behaviour`, the probes are answered from build/.checks/ while the staged files are the
    fixture's (tests/test_release_integrity.py runs them on changed ones)."""
    return all(i.status != "fail" for i in check_release(root, behaviour=behaviour))


def set_field(path: Path, dotted: str, value) -> None:
    """Change one field of a YAML or JSON file (formatting and comments are not kept)."""
    data = json.loads(path.read_text()) if path.suffix == ".json" else yaml.safe_load(path.read_text(encoding="utf-8"))
    node = data
    *parents, leaf = dotted.split(".")
    for part in parents:
        node = node[part]
    node[leaf] = value
    path.write_text(
        json.dumps(data) if path.suffix == ".json" else yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
    )


def license_of(root: Path) -> dict:
    return yaml.safe_load((root / "release.yaml").read_text(encoding="utf-8"))["license"]


def drop_line(path: Path, start: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if not line.startswith(start)), encoding="utf-8")


def plant_absolute_path(root: Path) -> None:
    (root / "configs").mkdir(exist_ok=True)
    (root / "configs" / "planted.yaml").write_text("data: /home/me/x\n", encoding="utf-8")


def first_metric(root: Path) -> tuple[str, float]:
    """The headline number of results/metrics.json: its name and value."""
    return metric_rows(json.loads((root / "results" / "metrics.json").read_text()))[0]


def plant_metric(root: Path) -> None:
    name, value = first_metric(root)
    set_field(root / "results/metrics.json", name, 0.25 if value == 0.5 else 0.5)


def other_task(root: Path) -> str:
    """A Hub pipeline tag that is not the release's."""
    tag = yaml.safe_load((root / "release.yaml").read_text(encoding="utf-8"))["model"]["pipeline_tag"]
    return "translation" if tag != "translation" else "summarization"


def add_tag(root: Path, tag: str) -> None:
    release = yaml.safe_load((root / "release.yaml").read_text(encoding="utf-8"))
    set_field(root / "release.yaml", "model.tags", [*release["model"]["tags"], tag])


def test_fresh_release_passes_every_check(project: Path) -> None:
    items = check_release(project)
    assert [i for i in items if i.status != "ok"] == []  # a committed tree whose run.json records HEAD
    assert len(items) == CHECKLIST_ITEMS + BEHAVIOUR_ITEMS
    names = [i.name for i in items]
    assert names[:2] == ["licenses set for code, weights and data", CONTRACT_ITEM]
    assert TASK_ITEM in names
    assert "no secrets in the files to publish (detect-secrets, Hub tokens)" in names
    assert "no secrets in files git tracks" in names
    assert names[-BEHAVIOUR_ITEMS:] == [
        "model loads from its folder in a fresh process",
        "evaluation re-run on the published split equals the model-index",
        "datasets.load_dataset gives the splits and rows the dataset card states",
        "demo Space starts from its own folder and answers an example as the model does",
    ]
    assert len(check_release(project, behaviour=False)) == CHECKLIST_ITEMS


def test_cards_metadata_equals_the_inputs(project: Path, complete_contract: Contract) -> None:
    metrics = json.loads((project / "results" / "metrics.json").read_text())
    card = ModelCard.load(project / "build" / "release" / "model" / "README.md")
    values = {(r.metric_type, r.metric_name): r.metric_value for r in card.data.eval_results}
    assert len(values) == len(metric_rows(metrics))
    for name, metric in complete_contract.METRICS.items():  # every declared metric, named as the Hub knows it
        assert values[(metric.hub_type, metric.label)] == metrics[name], (name, values)
    manifest = json.loads((project / "data" / "manifest.json").read_text())
    rows = {Path(name).stem: info["rows"] for name, info in manifest["files"].items() if name.endswith(".parquet")}
    dataset = DatasetCard.load(project / "build" / "release" / "dataset" / "README.md")
    assert {f["split"] for f in dataset.data.configs[0]["data_files"]} == set(rows)
    assert expected_splits(dataset) == rows
    model = project / "build" / "release" / "model"
    staged = {p.relative_to(model).as_posix() for p in model.rglob("*") if p.is_file()}
    license_file = license_of(project).get("model_link") or ""  # a custom license travels with the weights
    assert staged - {"README.md", license_file} == set(metrics["checkpoint_files"])  # every checkpoint file
    assert all(sha256_file(model / name) == digest for name, digest in metrics["checkpoint_files"].items())


@pytest.mark.parametrize(
    ("prefix", "plant", "hint"),
    [
        (
            "licenses",
            lambda p: set_field(p / "release.yaml", "license.model", "not-a-license"),
            "not a Hugging Face license id",
        ),
        (
            "licenses",
            lambda p: set_field(p / "release.yaml", "license", {**license_of(p), "data": "other", "data_name": None}),
            "license.data_name",
        ),
        ("pipeline_tag", lambda p: (p / "build/release/model/config.json").unlink(), "config.json is missing"),
        (TASK_ITEM, lambda p: add_tag(p, other_task(p)), "model.tags names the task"),
        (TASK_ITEM, lambda p: set_field(p / "release.yaml", "model.pipeline_tag", other_task(p)), "task_categories"),
        ("model-index", plant_metric, "make cards"),
        ("dataset card configs", lambda p: (p / "build/release/dataset/data/test.parquet").unlink(), "not staged"),
        (
            "paper linked",
            lambda p: set_field(p / "release.yaml", "arxiv_id", "2502.00001"),
            "do not link arxiv.org/abs/2502.00001",
        ),
        ("every artifact links", lambda p: drop_line(p / "README.md", "| Demo |"), "README.md lacks links to demo"),
        (
            "release.yaml and rendered files agree",
            lambda p: set_field(p / "release.yaml", "version", "0.1.1"),
            "differ from release.yaml",
        ),
        (
            "no secrets in the files to publish",
            lambda p: (p / "build/release/model/notes.txt").write_text("hf_" + "x" * 34),
            "build/release/model/notes.txt line 1: Hugging Face token",
        ),
        (
            "no secrets in the files to publish",
            # built at run time: a literal key header here would trip this project's own secret checks
            lambda p: (p / "build/release/dataset/key.pem").write_text("-----BEGIN " + "RSA PRIVATE KEY-----\n"),
            "build/release/dataset/key.pem line 1: Private Key",
        ),
        (
            "no absolute paths",
            plant_absolute_path,
            "configs/planted.yaml holds the absolute path /home/me/x",
        ),
        (
            "no conflict markers",
            lambda p: (p / "cards" / "model_card.md.j2").write_text("<<<<<<< before\nx\n=======\ny\n>>>>>>> after\n"),
            "conflict markers",
        ),
        ("no conflict markers", lambda p: (p / "README.md.rej").write_text("@@\n"), "rejected copier update hunk"),
    ],
    ids=[
        "license-id",
        "license-other",
        "config-json",
        "tags-name-another-task",
        "dataset-task-categories",
        "model-index",
        "dataset-config",
        "paper",
        "cross-links",
        "drift",
        "token",
        "private-key",
        "absolute-path",
        "conflict",
        "rej",
    ],
)
def test_planted_defect_fails_with_its_fix(project: Path, prefix: str, plant, hint: str) -> None:
    backup = {p: p.read_bytes() for p in project_files(project)}
    plant(project)
    found = item(project, prefix)
    assert found.status == "fail", found
    assert hint in found.detail, found.detail
    # Fix: put every file back, drop what was added, and render again where the fix is a re-render.
    for path in [p for p in project_files(project) if p not in backup]:
        path.unlink()
    for path, data in backup.items():
        path.write_bytes(data)
    build_release(project)
    assert item(project, prefix).status == "ok"
    assert all_pass(project, behaviour=True)  # the same staged files again: no probe runs


def test_rerender_fixes_drift(project: Path) -> None:
    set_field(project / "release.yaml", "title", "Renamed")
    assert item(project, "release.yaml and rendered files agree").status == "fail"
    build_release(project)
    assert all_pass(project)
    assert "# Renamed" in (project / "build/release/model/README.md").read_text()
    assert "Renamed" in (project / "CITATION.cff").read_text()


def test_link_paper_links_every_artifact(project: Path) -> None:
    updated = link_paper("2501.01234v2", project)
    assert "build/release/ (cards, announcement)" in updated
    url = "arxiv.org/abs/2501.01234v2"
    for path in [
        "README.md",
        "CITATION.cff",
        "build/release/model/README.md",
        "build/release/dataset/README.md",
        "build/release/ANNOUNCEMENT.md",
    ]:
        assert url in (project / path).read_text(), path
    assert 'arxiv_id: "2501.01234v2"' in (project / "release.yaml").read_text()
    assert item(project, "paper linked").status == "ok" and all_pass(project)
    with pytest.raises(UserError, match="not an arXiv id"):
        link_paper("1234", project)


def test_announcement_carries_the_headline_number(project: Path) -> None:
    name, value = first_metric(project)
    text = (project / "build/release/ANNOUNCEMENT.md").read_text()
    assert f"{name} {value:.4f}" in text
    for kind in ("Code", "Model", "Dataset", "Demo", "Project page"):
        assert f"- {kind}: https://" in text


def test_missing_inputs_are_named_and_nothing_is_half_rendered(project: Path) -> None:
    before = sorted(p.relative_to(project) for p in (project / "build").rglob("*"))
    (project / "results" / "benchmark.json").unlink()
    with pytest.raises(UserError, match=r"results/benchmark.json not found; run `make benchmark`"):
        build_release(project)
    assert sorted(p.relative_to(project) for p in (project / "build").rglob("*")) == before
    set_field(project / "release.yaml", "model.pipeline_tag", None)
    with pytest.raises(UserError, match=r"release.yaml: field 'model.pipeline_tag' is missing"):
        build_release(project)


def test_git_state_is_checked(project: Path) -> None:
    assert item(project, "git tree").status == "ok"  # the fixture committed, then trained: run.json records HEAD
    recorded = git(project, "rev-parse", "HEAD")
    git(project, "commit", "-q", "--no-verify", "--allow-empty", "-m", "later work")
    found = item(project, "git tree")
    assert found.status == "warn" and f"run.json records commit {recorded[:12]}" in found.detail
    git(project, "reset", "-q", "--soft", recorded)
    assert item(project, "git tree").status == "ok"
    package = yaml.safe_load((project / "release.yaml").read_text(encoding="utf-8"))["package"]
    contract_file = f"src/{package}/release_api.py"
    (project / contract_file).write_text((project / contract_file).read_text() + "\n")
    found = item(project, "git tree")
    assert found.status == "warn" and f"uncommitted changes ({contract_file})" in found.detail
    git(project, "checkout", "--", contract_file)
    (project / "src" / package / "extra.py").write_text("X = 1\n")
    found = item(project, "git tree")
    assert (
        found.status == "warn" and f"untracked files that will not be released (src/{package}/extra.py)" in found.detail
    )
    assert all_pass(project)  # a warning never fails the check


# ---------------------------------------------------------------- the contract and the task


def test_demo_input_must_fit_the_pipeline_tag(
    project: Path, complete_contract: Contract, monkeypatch: pytest.MonkeyPatch
) -> None:
    tag = yaml.safe_load((project / "release.yaml").read_text(encoding="utf-8"))["model"]["pipeline_tag"]
    implied = pipeline_input(tag)
    if implied is None:
        pytest.skip(f"pipeline_tag {tag} does not imply an input kind")
    other = next(kind for kind in INPUT_KINDS if kind != implied)
    monkeypatch.setattr(complete_contract.module, "INPUT", other)
    found = item(project, TASK_ITEM)
    assert found.status == "fail", found
    assert f"pipeline_tag {tag} takes {implied} input, but release_api.INPUT is {other}" in found.detail
    assert "make release.yaml (model.pipeline_tag, model.tags) and release_api.py agree" in found.detail
    monkeypatch.undo()
    assert item(project, TASK_ITEM).status == "ok"


def contract_item(root: Path):
    return next(i for i in check_release(root, behaviour=False) if i.name == CONTRACT_ITEM)


def test_contract_item_names_each_problem_in_one_line(
    contract: Contract, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A missing function, a todo() stub and an unknown input kind: one ✗ line naming each, with what to write."""
    monkeypatch.delattr(contract.module, "predict", raising=False)
    monkeypatch.setattr(contract.module, "score", todo("score", FUNCTIONS["score"]), raising=False)
    monkeypatch.setattr(contract.module, "INPUT", "video", raising=False)
    root = copy_sources(tmp_path / "project")
    found = contract_item(root)
    assert found.status == "fail", found
    one_line_error(found.line())
    assert found.detail.startswith(f"{contract.where}: still to write: ")
    assert f"predict is missing ({FUNCTIONS['predict']})" in found.detail
    assert f"score is still a todo ({FUNCTIONS['score']})" in found.detail
    assert f"INPUT is 'video'; use one of {', '.join(INPUT_KINDS)}" in found.detail
    monkeypatch.undo()
    if not contract.problems():
        assert contract_item(root).status == "ok"


def test_incomplete_contract_fails_only_the_contract_item(
    contract: Contract, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """A contract still to write (the `none` example as generated; a complete one is turned into todo() stubs here):
    make check-release fails exactly one item, which lists every todo, and stops there."""
    if not contract.problems():
        for name, what in {**DECLARATIONS, **FUNCTIONS}.items():
            monkeypatch.setattr(contract.module, name, todo(name, what))
    problems = contract.problems()
    todos = [name for name in {**DECLARATIONS, **FUNCTIONS} if is_todo(getattr(contract.module, name, None))]
    root = copy_sources(tmp_path / "project")
    items = check_release(root)
    assert [i.name for i in items if i.status == "fail"] == [CONTRACT_ITEM], [i.line() for i in items]
    found = next(i for i in items if i.name == CONTRACT_ITEM)
    one_line_error(found.line())
    assert all(problem in found.detail for problem in problems), (problems, found.detail)
    assert all(f"{name} is still a todo" in found.detail for name in todos), (todos, found.detail)
    with pytest.raises(SystemExit) as exit_info:
        check.main(["--root", str(root)])
    assert exit_info.value.code == 1
    assert "fix the 1 ✗ above" in capsys.readouterr().out
