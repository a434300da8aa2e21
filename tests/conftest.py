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
    commit_all,
    copy_working_tree,
    made,
    render,
    run_release_pipeline,
)

# Answer sets of tests/test_generate.py whose project's own `make test` is in the slow tier (`make test-all`): their
# files, lint and release (cards, check-release, page) stay in the fast tier. The first three differ from the default
# only in metadata (licenses, title, authors); answers6 renames the package and namespace, which the fast tier
# exercises through its own lint and release here and through tests/test_publish.py's `digits` package.
SLOW_SUITE_SETS = ("answers2", "answers4", "answers5", "answers6")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        callspec = getattr(item, "callspec", None)
        if item.originalname == "test_generated_test_suite_passes" and callspec and callspec.id in SLOW_SUITE_SETS:
            item.add_marker(pytest.mark.slow)


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
def hostile_release(trained_digits: Path, tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """The hostile answers (helpers.HOSTILE) rendered, given a hostile page/abstract.md, committed and released:
    the shared checkpoint, `make stage` and `make check-release`. `readme_before` is README.md as copier wrote it."""
    root = render(tmp_path_factory.mktemp("hostile") / "project", HOSTILE)
    (root / "page" / "abstract.md").write_text(ABSTRACT, encoding="utf-8")
    readme_before = (root / "README.md").read_text(encoding="utf-8")
    run_release_pipeline(root, trained=trained_digits)
    return SimpleNamespace(root=root, readme_before=readme_before)
