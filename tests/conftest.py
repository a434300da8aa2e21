"""Fixtures for the template's tests: generated projects, and one shared environment to run them in.

Every generated project runs in the environment these tests run in (`make VENV=<this env>`), so the
suite installs the project's dependencies once instead of once per answer set. Expensive projects are built once
per session: one trained digits project whose artifacts every digits answer set releases, and one hostile project
taken through the whole release. Helpers to import live in helpers.py.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

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

# Several workers each start processes that use torch: one math thread per process keeps them from oversubscribing a
# small machine's cores (idle OpenMP threads spin, burning the CPU time the other workers need). An explicit setting
# in the environment wins; the generated project's tests do the same (template/tests/conftest.py).
for _threads in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_threads, "1")

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


# `make test` runs three pytest-xdist workers (WORKERS in the Makefile). A work unit is a group of tests that share
# an expensive fixture, so that it is built once; the heaviest units go first, so that the workers finish together.
# Serial runs keep this order too. The groups come from node ids alone: pytest-xdist's own `xdist_group` marks do not reach its scheduler under
# pytest 9, so `pytest_xdist_make_scheduler` below hands it `group_of`.
HEAVY_GROUPS = ("suite", "publish", "digits", "readme", "examples", "wine", "update")
MODULE_GROUPS = {
    "test_answers": "digits",  # hostile_release, built on trained_digits
    "test_page_browser": "digits",
    "test_examples": "examples",  # none_project, text_project
    "test_publish": "publish",  # its trained project
    "test_update": "update",  # template versions and the minimum copier
    "test_readme_commands": "readme",
}
TEST_GROUPS = {  # the tests of a module that go with another module's fixture
    "test_the_tabular_examples_own_tests_pass": "wine",
    "test_the_tabular_example_publishes_and_verifies": "wine",
}


def group_of(nodeid: str) -> str:
    """The work unit of a test: its answer set's trained checkpoint in test_generate.py, else its module's fixtures."""
    path, _, name = nodeid.partition("::")
    module = Path(path).stem
    answer_set = re.search(r"\[(answers\d+)\]$", name)
    if module == "test_generate" and answer_set:
        if name.startswith("test_generated_test_suite_passes"):
            return "suite"  # the generated project's own tests build their own release: a unit of their own
        return {"answers1": "wine", "answers3": module}.get(answer_set.group(1), "digits")
    return TEST_GROUPS.get(name.partition("[")[0], MODULE_GROUPS.get(module, module))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):
        """pytest-xdist's scope scheduling with `group_of` as the scope; units in collection order."""

        def _split_scope(self, nodeid: str) -> str:
            return group_of(nodeid)

    config.option.loadscopereorder = False  # keep the heaviest-first order of the collection
    return GroupScheduling(config, log)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        callspec = getattr(item, "callspec", None)
        if item.originalname == "test_generated_test_suite_passes" and callspec and callspec.id in SLOW_SUITE_SETS:
            item.add_marker(pytest.mark.slow)
    rank = {group: index for index, group in enumerate(HEAVY_GROUPS)}
    items.sort(key=lambda item: rank.get(group_of(item.nodeid), len(rank)))  # stable within a group


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
