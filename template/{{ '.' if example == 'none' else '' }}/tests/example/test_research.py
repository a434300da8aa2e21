"""Tests of your research code (data, model, training, inference): yours to write, and kept by template updates.

The template's own tests (tests/*.py outside tests/example/) check the release tooling against release_api.py.
"""

from __future__ import annotations

import pytest


@pytest.mark.skip(reason="write the tests of your data, model and training here (README: Replace the example)")
def test_research_code() -> None:
    """E.g. the data recipe rebuilds identical bytes, training writes a checkpoint that loads, predict() answers."""
