"""Generate over an answer matrix that covers every choice; each project is complete, clean and passes its tests."""

from __future__ import annotations

import importlib.metadata
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from helpers import SHARED_ENV, block, make, render, run_release_pipeline

# Each choice of every choice question appears at least once (checked by the test below).
MATRIX = [
    {},
    {
        "example": "tabular-classification",
        "code_license": "MIT",
        "model_license": "mit",
        "data_license": "mit",
        "visibility": "public",
        "python_version": "3.10",
        "arxiv_id": "2501.01234",
    },
    {
        "code_license": "BSD-3-Clause",
        "model_license": "cc-by-4.0",
        "data_license": "cc-by-sa-4.0",
        "python_version": "3.12",
        "arxiv_id": "2312.12345v2",
    },
    {
        "example": "none",
        "code_license": "GPL-3.0-only",
        "model_license": "cc-by-sa-4.0",
        "data_license": "cc-by-nc-4.0",
        "visibility": "public",
        "python_version": "3.13",
    },
    {
        "model_license": "cc-by-nc-4.0",
        "data_license": "openrail",
        "project_title": "Sparse Probing",
        "authors": [
            {"name": "Grace Hopper", "affiliation": "Navy"},
            {"name": "Alan Turing", "affiliation": "Manchester", "email": "alan@example.org"},
        ],
    },
    {
        "code_license": "MIT",
        "model_license": "openrail",
        "data_license": "other",
        "data_license_name": "lab-data-1.0",
        "data_license_link": "https://example.org/data-license",
        "visibility": "public",
    },
    {
        "code_license": "BSD-3-Clause",
        "model_license": "other",
        "model_license_name": "lab-weights",
        "model_license_link": "LICENSE.model.md",
        "data_license": "apache-2.0",
        "hf_namespace": "my-lab",
        "project_slug": "tiny-net",
        "package_name": "tiny_net",
    },
]
IDS = [f"answers{i}" for i in range(len(MATRIX))]
EXPECTED = [
    "README.md",
    "LICENSE",
    "CITATION.cff",
    "pyproject.toml",
    "requirements.lock",
    "release.yaml",
    "Makefile",
    ".gitignore",
    ".pre-commit-config.yaml",
    ".copier-answers.yml",
    "configs/default.yaml",
    "src/{package}/release_tools/cli.py",
    "src/{package}/release_tools/contract.py",
    "tests/test_release_check.py",
    "demo/app.py",
    "demo/ui.py",
    "page/abstract.md",
    ".github/workflows/pages.yml",
    ".github/workflows/ci.yml",
    ".github/workflows/release.yml",
    "cards/model_card.md.j2",
]
LICENSE_FIRST_WORDS = {
    "Apache-2.0": "Apache License",
    "MIT": "MIT License",
    "BSD-3-Clause": "BSD 3-Clause License",
    "GPL-3.0-only": "GNU GENERAL PUBLIC LICENSE",
}


def test_matrix_covers_every_choice() -> None:
    questions = yaml.safe_load((Path(__file__).parents[1] / "copier.yml").read_text())
    for name, question in questions.items():
        if isinstance(question, dict) and "choices" in question:
            used = {answers.get(name, question["default"]) for answers in MATRIX}
            assert used == set(question["choices"]), name


def test_slow_suite_sets_are_covered_in_the_fast_tier() -> None:
    """The sets whose own `make test` is in the slow tier change nothing the fast tier leaves unexercised: all
    projects run in one shared environment; lint, files and release of every set stay fast; the default set's whole
    suite runs fast, and so do the tabular and none examples' own tests (tests/test_examples.py)."""
    from conftest import SLOW_SUITE_SETS

    metadata = {"project_title", "authors", "arxiv_id", "visibility", "python_version"}
    metadata |= {f"{kind}_license{part}" for kind in ("code", "model", "data") for part in ("", "_name", "_link")}
    allowed = {
        "metadata": metadata,
        "names": metadata | {"hf_namespace", "project_slug", "package_name"},
        "example none": metadata | {"example"},
        "example tabular": metadata | {"example"},
    }
    example = {"example none": "none", "example tabular": "tabular-classification"}
    for name, reason in SLOW_SUITE_SETS.items():
        answers = MATRIX[IDS.index(name)]
        assert set(answers) <= allowed[reason], name
        assert answers.get("example", "image-classification") == example.get(reason, "image-classification"), name
    fast = [name for name in IDS if name not in SLOW_SUITE_SETS]
    assert fast == ["answers0"] and MATRIX[0] == {}, fast  # the default set runs its whole suite fast


@pytest.fixture(scope="module", params=range(len(MATRIX)), ids=IDS)
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    answers = MATRIX[request.param]
    return render(tmp_path_factory.mktemp(IDS[request.param]) / "project", answers), answers


def text_files(root: Path) -> list[Path]:
    return [
        p for p in root.rglob("*") if p.is_file() and ".git" not in p.parts and p.suffix not in {".png", ".parquet"}
    ]


def test_expected_files_and_no_template_leftovers(project: tuple[Path, dict]) -> None:
    root, answers = project
    package = yaml.safe_load((root / ".copier-answers.yml").read_text())["package_name"]
    for name in [
        *(n.format(package=package) for n in EXPECTED),
        f"src/{package}/train.py",
        f"src/{package}/data.py",
        f"src/{package}/release_api.py",
    ]:
        assert (root / name).is_file(), name
    questions = [
        name
        for name in yaml.safe_load((Path(__file__).parents[1] / "copier.yml").read_text())
        if not name.startswith("_")
    ]
    leftover = re.compile(r"\{%|\{\{-?\s*(_copier|" + "|".join(questions) + r")\b")
    for path in text_files(root):
        text = path.read_text(encoding="utf-8")
        # The researcher's card templates and the tooling's page and Space templates are Jinja on purpose, filled by
        # `make stage`; copier copies them verbatim (test_card_templates_come_out_verbatim).
        if path.parent.name != "cards" and path.parent.name != "templates":
            assert not leftover.search(text), (path, leftover.search(text))
        assert not path.name.endswith(".jinja"), path


def test_structured_files_parse_and_agree(project: tuple[Path, dict]) -> None:
    root, answers = project
    release = yaml.safe_load((root / "release.yaml").read_text())
    pyproject = tomllib.loads((root / "pyproject.toml").read_text())
    citation = yaml.safe_load((root / "CITATION.cff").read_text())
    yaml.safe_load((root / ".pre-commit-config.yaml").read_text())
    yaml.safe_load((root / "configs/default.yaml").read_text())
    pages = (root / ".github/workflows/pages.yml").read_text()
    assert "${{ steps.deployment.outputs.page_url }}" in pages  # GitHub expressions survive copier
    release_workflow = (root / ".github/workflows/release.yml").read_text()
    assert "HF_TOKEN: ${{ secrets.HF_TOKEN }}" in release_workflow and "${{ github.ref_name }}" in release_workflow
    assert "${{ github.ref }}" in (root / ".github/workflows/ci.yml").read_text()
    workflow = yaml.safe_load(pages)
    assert workflow["jobs"]["build"]["steps"][1]["with"]["python-version"] == answers.get("python_version", "3.11")
    assert release["version"] == pyproject["project"]["version"] == citation["version"]
    assert release["title"] == citation["title"]
    assert release["description"] == pyproject["project"]["description"]
    assert [a["name"] for a in release["authors"]] == [a["name"] for a in pyproject["project"]["authors"]]
    assert release["license"]["code"] == pyproject["project"]["license"] == citation["license"]
    assert release["links"]["code"] == citation["repository-code"] == pyproject["project"]["urls"]["Repository"]
    assert release["hub"]["visibility"] == answers.get("visibility", "private")
    assert release["arxiv_id"] == (answers.get("arxiv_id") or None)
    assert pyproject["project"]["requires-python"] == f">={answers.get('python_version', '3.11')}"
    for kind in ("model", "data"):
        assert release["license"][kind] == answers.get(
            f"{kind}_license", {"model": "apache-2.0", "data": "cc-by-4.0"}[kind]
        )
        if release["license"][kind] == "other":
            assert release["license"][f"{kind}_name"] == answers[f"{kind}_license_name"]
            assert release["license"][f"{kind}_link"] == answers[f"{kind}_license_link"]
    if answers.get("arxiv_id"):
        assert f"https://arxiv.org/abs/{answers['arxiv_id']}" in (root / "README.md").read_text()
        assert citation["preferred-citation"]["doi"].startswith("10.48550/arXiv.")


def test_validators_of_cff_and_pyproject_accept(project: tuple[Path, dict]) -> None:
    root, _ = project
    bin_dir = SHARED_ENV / "bin"
    done = subprocess.run(
        [bin_dir / "cffconvert", "--validate", "-i", root / "CITATION.cff"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    done = subprocess.run(
        [sys.executable, "-m", "validate_pyproject", root / "pyproject.toml"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_license_file_matches_the_choice(project: tuple[Path, dict]) -> None:
    root, answers = project
    license_id = answers.get("code_license", "Apache-2.0")
    text = (root / "LICENSE").read_text()
    assert text.lstrip().startswith(LICENSE_FIRST_WORDS[license_id])
    if license_id in {"MIT", "BSD-3-Clause"}:
        names = [a["name"] for a in answers.get("authors", [{"name": "Ada Lovelace"}])]
        assert re.search(r"Copyright \(c\) \d{4},? " + re.escape(", ".join(names)), text)


def test_lock_pins_every_dependency_within_its_range(project: tuple[Path, dict]) -> None:
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    root, _ = project
    pins = {}
    for line in (root / "requirements.lock").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[canonicalize_name(name)] = version
    project_table = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    for spec in [
        *project_table["dependencies"],
        *(d for extra in project_table["optional-dependencies"].values() for d in extra),
    ]:
        requirement = Requirement(spec)
        if requirement.marker and not requirement.marker.evaluate():
            continue  # e.g. tomli, only for Python 3.10
        pinned = pins.get(canonicalize_name(requirement.name))
        assert pinned is not None, f"{requirement.name} is not pinned in requirements.lock"
        assert requirement.specifier.contains(pinned, prereleases=True), (spec, pinned)


def test_ruff_is_clean(project: tuple[Path, dict]) -> None:
    root, _ = project
    assert make(root, "lint").returncode == 0, make(root, "lint").stdout


def test_generated_test_suite_passes(project: tuple[Path, dict]) -> None:
    root, _ = project
    done = make(root, "test")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert re.search(r"\d+ passed", done.stdout)


def test_release_cards_render_from_release_yaml_and_results(
    project: tuple[Path, dict], request: pytest.FixtureRequest
) -> None:
    from huggingface_hub import DatasetCard, ModelCard, SpaceCard

    root, answers = project
    if answers.get("example") == "none":
        pytest.skip("the none example has no pipeline until release_api.py is filled in (tests/test_examples.py)")
    readme_before, citation_before = (
        (root / "README.md").read_text(),
        yaml.safe_load((root / "CITATION.cff").read_text()),
    )
    for kind in ("model", "data"):  # a custom license linked as a file: the researcher writes its text
        link = answers.get(f"{kind}_license_link", "")
        if answers.get(f"{kind}_license") == "other" and not link.startswith("http"):
            (root / link).write_text(f"# {answers[f'{kind}_license_name']}\n\nThe terms of use.\n")
    # Each example's answer sets release the session's shared checkpoint of that example.
    trained = {"image-classification": "trained_digits", "tabular-classification": "trained_wine"}
    run_release_pipeline(root, request.getfixturevalue(trained[answers.get("example", "image-classification")]))
    release = yaml.safe_load((root / "release.yaml").read_text())
    metrics = json.loads((root / "results" / "metrics.json").read_text())
    card = ModelCard.load(root / "build/release/model/README.md")
    model = card.data
    if answers.get("example", "image-classification") == "image-classification":  # the count comes from the data
        rows = json.loads((root / "data" / "manifest.json").read_text())["files"]["train.parquet"]["rows"]
        assert f"Trained on {rows:,} digits" in card.text and rows < 1797, rows
    assert model.license == release["license"]["model"]
    if model.license == "other":
        assert (model.license_name, model.license_link) == (
            release["license"]["model_name"],
            release["license"]["model_link"],
        )
        if not model.license_link.startswith("http"):  # the linked license text travels with the weights
            assert (root / "build/release/model" / model.license_link).is_file()
    # No library name the Hub does not know; the mixin's tags say how the model loads.
    assert (model.pipeline_tag, model.library_name) == (release["model"]["pipeline_tag"], None)
    assert {"model_hub_mixin", "pytorch_model_hub_mixin"} <= set(model.tags)
    assert model.datasets[0] == release["hub"]["dataset"] and model.model_name == release["title"]
    values = {r.metric_type: r.metric_value for r in model.eval_results}
    assert values["accuracy"] == metrics["accuracy"] and values["f1"] == metrics["macro_f1"]
    assert sorted(values.values()) == sorted(v for k, v in metrics.items() if isinstance(v, float))
    dataset = DatasetCard.load(root / "build/release/dataset/README.md").data
    assert dataset.license == release["license"]["data"] and dataset.pretty_name == release["title"]
    assert dataset.task_categories == [release["model"]["pipeline_tag"]]
    for entry in dataset.configs[0]["data_files"]:
        assert (root / "build/release/dataset" / entry["path"]).is_file()
    space = SpaceCard.load(root / "build/release/demo/README.md").data
    assert (space.title, space.sdk, space.app_file) == (release["title"], "gradio", "app.py")
    assert space.sdk_version == importlib.metadata.version("gradio")  # the gradio the tests ran
    assert space.python_version == answers.get("python_version", "3.11")
    assert (space.models, space.datasets) == ([release["hub"]["model"]], [release["hub"]["dataset"]])
    assert space.license == release["license"]["model"] and len(space.short_description) <= 60
    requirements = (root / "build/release/demo/requirements.txt").read_text()
    assert "gradio" not in requirements and "torch==" in requirements
    # The copier-rendered README blocks and CITATION.cff equal what the tooling renders from release.yaml.
    readme_after = (root / "README.md").read_text()
    for name in ("links", "citation"):
        assert block(readme_after, name) == block(readme_before, name), name
    assert yaml.safe_load((root / "CITATION.cff").read_text()) == citation_before
    assert "| accuracy |" in block(readme_after, "results") and "p50 ms" in block(readme_after, "speed")


def test_card_templates_come_out_verbatim(project: tuple[Path, dict]) -> None:
    """The researcher's card templates are Jinja too; copier must copy them untouched (the announcement is shared,
    the cards come from the chosen example's folder)."""
    root, answers = project
    template = Path(__file__).parents[1] / "template"
    example = answers.get("example", "image-classification")
    sources = {
        "announcement.md.j2": template / "cards" / "announcement.md.j2",
        **{p.name: p for p in (template / f"{{{{ '.' if example == '{example}' else '' }}}}" / "cards").iterdir()},
    }
    assert sorted(sources) == ["announcement.md.j2", "dataset_card.md.j2", "model_card.md.j2"]
    assert sorted(p.name for p in (root / "cards").iterdir()) == sorted(sources)
    for name, source in sources.items():
        assert (root / "cards" / name).read_bytes() == source.read_bytes(), name
