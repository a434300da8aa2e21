"""The template's own suite: the work units that tests/conftest.py hands pytest-xdist name tests and modules that
exist (a misspelt name would only cost time, silently)."""

from __future__ import annotations

import ast

from conftest import HEAVY_GROUPS, MODULE_GROUPS, TEST_GROUPS, group_of
from helpers import ROOT


def test_every_named_test_and_module_exists() -> None:
    tests = {}
    for path in (ROOT / "tests").glob("test_*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        tests[path.stem] = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    assert set(MODULE_GROUPS) <= set(tests), set(MODULE_GROUPS) - set(tests)
    defined = set().union(*tests.values())
    assert set(TEST_GROUPS) <= defined, set(TEST_GROUPS) - defined
    assert set(TEST_GROUPS.values()) | set(MODULE_GROUPS.values()) | {"suite"} >= set(HEAVY_GROUPS)


def test_an_answer_sets_tests_stay_with_the_checkpoint_it_releases() -> None:
    assert group_of("tests/test_generate.py::test_ruff_is_clean[answers4]") == "digits"
    assert group_of("tests/test_generate.py::test_ruff_is_clean[answers1]") == "wine"
    assert group_of("tests/test_generate.py::test_generated_test_suite_passes[answers0]") == "suite"
    assert group_of("tests/test_answers.py::test_hostile_text_survives_the_release_tooling") == "digits"
    assert group_of("tests/test_publish.py::test_publish_plan_writes_nothing") == "publish"
    assert group_of("tests/test_hub_server.py::test_collection_with_an_item") == "test_hub_server"
