"""Fixtures for the template's tests: generated projects, and one shared environment to run them in.

Every generated project runs in the environment these tests run in (`make VENV=<this env>`), so the
suite installs the project's dependencies once instead of once per answer set. Expensive projects are built once
per session: one trained digits project whose artifacts every digits answer set releases, and one hostile project
taken through the whole release. Helpers to import live in helpers.py.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from helpers import (
    ABSTRACT,
    HOSTILE,
    TRAIN_TARGETS,
    WINE_ANSWERS,
    commit_all,
    copy_working_tree,
    made,
    render,
    run_release_pipeline,
)

# Answer sets of tests/test_generate.py whose project's own `make test` is in the slow tier (`make test-all`), and why
# the fast tier loses no capability by it: their files, lint and release (cards, check-release, page) stay fast.
# tests/test_generate.py::test_slow_suite_sets_are_covered_in_the_fast_tier checks each reason against MATRIX.
SLOW_SUITE_SETS = {
    "answers1": "example tabular",  # tests/test_examples.py runs its tests/example; the template's run for answers0
    "answers2": "metadata",  # licenses, arXiv id, Python version: what the default set's suite runs, renamed
    "answers3": "example none",  # tests/test_examples.py::test_none_project_is_clean_as_generated runs its suite
    "answers4": "metadata",
    "answers5": "metadata",
    "answers6": "names",  # package and namespace: lint and release here, tests/test_publish.py's `digits` package
}


# `make test` runs two pytest-xdist workers (--dist loadgroup). Tests that share an expensive fixture form one group,
# so that it is built once; the heaviest groups go first, so that the workers finish together (serial runs keep
# this order too). Everything else is grouped by module, whose fixtures it shares.
HEAVY_GROUPS = ("digits", "publish", "text", "wine", "update", "readme", "none")
SHARED_FIXTURE_GROUPS = {
    "trained_digits": "digits",
    "hostile_release": "digits",
    "trained_wine": "wine",
    "text_project": "text",
    "none_project": "none",
}


def group_of(item: pytest.Item) -> str:
    callspec = getattr(item, "callspec", None)
    if item.module.__name__ == "test_generate" and callspec and "project" in callspec.params:
        # An answer set's project is module-scoped: its tests stay together, with the trained checkpoint it releases.
        return {"answers1": "wine", "answers3": "generate-answers3"}.get(callspec.id, "digits")
    for fixture, group in SHARED_FIXTURE_GROUPS.items():
        if fixture in item.fixturenames:
            return group
    module = item.module.__name__
    return {"test_publish": "publish", "test_update": "update", "test_readme_commands": "readme"}.get(module, module)


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        callspec = getattr(item, "callspec", None)
        if item.originalname == "test_generated_test_suite_passes" and callspec and callspec.id in SLOW_SUITE_SETS:
            item.add_marker(pytest.mark.slow)
        item.add_marker(pytest.mark.xdist_group(group_of(item)))
    rank = {group: index for index, group in enumerate(HEAVY_GROUPS)}
    items.sort(key=lambda item: rank.get(group_of(item), len(rank)))  # stable: collection order within a group


@pytest.fixture(scope="session")
def default_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(tmp_path_factory.mktemp("default") / "project", {})


@pytest.fixture(scope="session")
def template_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The working tree's files without its git repository (render(..., source=template_files))."""
    folder = tmp_path_factory.mktemp("template-files")
    copy_working_tree(folder)
    return folder


@pytest.fixture(scope="session")
def hostile_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile answers (helpers.HOSTILE) as copier renders them; read it, copy it before changing anything."""
    return render(tmp_path_factory.mktemp("hostile-rendered") / "project", HOSTILE)


@pytest.fixture(scope="session")
def trained_digits(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default project (the digits example) after `make data`, a one-epoch `make train`, `make eval` and
    `make benchmark`: the shared trained checkpoint that every digits answer set and the hostile project release
    (helpers.seed_artifacts) instead of training their own."""
    root = render(tmp_path_factory.mktemp("trained-digits") / "project", {})
    commit_all(root, "generated")
    for target in TRAIN_TARGETS:
        made(root, *target)
    return root


@pytest.fixture(scope="session")
def trained_wine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tabular example (namespace test-user) after `make data`, `make train`, `make eval`, `make predict` and
    `make benchmark`, committed: tests copy it before changing anything, or release its artifacts elsewhere."""
    root = render(tmp_path_factory.mktemp("trained-wine") / "wine", WINE_ANSWERS)
    commit_all(root, "Generated project")
    for target in ("data", "train", "eval", "predict INPUT=data/examples", "benchmark"):
        made(root, *target.split())
    return root


@pytest.fixture(scope="session")
def hostile_release(trained_digits: Path, tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """The hostile answers (helpers.HOSTILE) rendered, given a hostile page/abstract.md, committed and released:
    the shared checkpoint, `make stage` and `make check-release`. `readme_before` is README.md as copier wrote it."""
    root = render(tmp_path_factory.mktemp("hostile") / "project", HOSTILE)
    (root / "page" / "abstract.md").write_text(ABSTRACT, encoding="utf-8")
    readme_before = (root / "README.md").read_text(encoding="utf-8")
    run_release_pipeline(root, trained=trained_digits)
    return SimpleNamespace(root=root, readme_before=readme_before)
