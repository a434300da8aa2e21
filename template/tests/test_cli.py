"""Template-owned tests of the Makefile's entry points: bad use gets one line naming the problem and the fix.

What your own command-line errors say (unreadable inputs, corrupt weights, bad configs) is tested beside your code,
in tests/example/.
"""

from __future__ import annotations

from pathlib import Path

from release_helpers import ROOT, make


def test_make_predict_without_input_says_how() -> None:
    done = make(ROOT, "predict")
    assert done.returncode != 0
    assert "make predict INPUT=" in done.stderr


def test_make_import_checkpoint_without_src_says_how() -> None:
    done = make(ROOT, "import-checkpoint")
    assert done.returncode != 0
    lines = [line for line in done.stderr.splitlines() if not line.startswith("make: ***")]
    assert len(lines) == 1 and lines[0].startswith("error: no SRC given; run make import-checkpoint SRC=<"), lines


def test_make_help_lists_every_target() -> None:
    done = make(ROOT, "help")
    assert done.returncode == 0, done.stderr
    targets = ["setup", "data", "train", "import-checkpoint", "eval", "predict", "benchmark", "demo"]
    targets += ["benchmark-demo", "stage", "cards", "check-release", "publish", "verify-release"]
    targets += ["test", "lint", "lock"]
    for target in targets:
        assert f"make {target} " in done.stdout, target


def test_missing_environment_is_explained(tmp_path: Path) -> None:
    done = make(ROOT, "data", venv=tmp_path / "nope")
    assert done.returncode != 0
    assert "run make setup, or pass VENV=" in done.stderr


def test_make_cards_is_the_old_name_of_make_stage() -> None:
    """Kept for one template version: it says the new name and runs `make stage` (shown here without running)."""
    done = make(ROOT, "-n", "cards")
    assert done.returncode == 0, done.stderr
    assert "make cards is now make stage" in done.stdout and ".release_tools.stage" in done.stdout, done.stdout
