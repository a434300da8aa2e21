"""The generated README's commands run as written, in order, in a fresh default project."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from helpers import SHARED_ENV, make

# Covered elsewhere: `make setup` installs into .venv (here .venv is the shared environment);
# `make test` and `make lint` run for every answer set in test_generate.py.
# The publishing commands need a Hub: test_publish.py runs each against the loopback Hub server.
SKIPPED = {"make setup", "make test", "make lint"}
PUBLISHING = {"make whoami", "make publish-plan", "make publish", "make verify-release", "make release-public"}


def code_blocks(readme: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", readme, re.S)


@pytest.fixture(scope="module")
def ran_readme(default_project: Path) -> Path:
    (default_project / ".venv").symlink_to(SHARED_ENV)
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    readme = (default_project / "README.md").read_text()
    for block in code_blocks(readme, "bash"):
        for command in filter(None, (line.strip() for line in block.splitlines())):
            if command in SKIPPED | PUBLISHING or command.startswith("export HF_TOKEN="):
                continue
            done = subprocess.run(
                ["bash", "-c", command], cwd=default_project, env=env, capture_output=True, text=True, timeout=900
            )
            assert done.returncode == 0, f"{command}\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return default_project


def test_readme_pipeline_produces_results(ran_readme: Path) -> None:
    metrics = json.loads((ran_readme / "results" / "metrics.json").read_text())
    assert metrics["accuracy"] >= 0.95 and metrics["split"] == "test"
    bench = json.loads((ran_readme / "results" / "benchmark.json").read_text())
    assert [row["batch_size"] for row in bench["results"]] == [1, 64]
    runs = [p for p in (ran_readme / "checkpoints").iterdir() if p.name != "latest"]
    assert len(runs) == 2  # make train, then the torchrun command
    latest = json.loads((ran_readme / "checkpoints" / "latest" / "run.json").read_text())
    assert latest["distributed"]["num_processes"] == 2


def test_readme_python_snippet_runs(ran_readme: Path) -> None:
    readme = (ran_readme / "README.md").read_text()
    snippet = next(block for block in code_blocks(readme, "python") if "predict(" in block)
    env = {**os.environ, "PYTHONPATH": str(ran_readme / "src")}  # what `make setup`'s editable install provides
    done = subprocess.run(
        [str(ran_readme / ".venv" / "bin" / "python"), "-c", snippet],
        cwd=ran_readme,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0"


def test_readme_predict_prints_labels(ran_readme: Path) -> None:
    done = make(ran_readme, "-s", "predict", "INPUT=data/examples")
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if line.startswith("data/examples/")]
    assert len(lines) == 10
    assert (
        sum(
            re.search(r"/(\d)\.png\tlabel (\d)", line).groups()[0] == re.search(r"label (\d)", line).group(1)
            for line in lines
        )
        >= 9
    )


@pytest.mark.slow
def test_generated_slow_tests_pass(default_project: Path) -> None:
    done = make(default_project, "test-all", "ARGS=-m slow")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert re.search(r"\b3 passed", done.stdout)  # distributed training, the demo's cold start, imported weights


@pytest.mark.slow
def test_make_setup_installs_the_locked_project(default_project: Path, tmp_path: Path) -> None:
    """`make setup` as the README gives it, into a fresh environment (pip's cache makes it quick)."""
    venv = tmp_path / "venv"
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    done = subprocess.run(
        ["make", "setup", f"VENV={venv}"], cwd=default_project, env=env, capture_output=True, text=True, timeout=1200
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    package = yaml.safe_load((default_project / ".copier-answers.yml").read_text())["package_name"]
    probe = f"import {package}.train, {package}.release_tools, importlib.metadata as m; print(m.version('torch'), m.version('pytest'))"
    done = subprocess.run(
        [str(venv / "bin" / "python"), "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    torch_version, pytest_version = done.stdout.split()
    locked = dict(
        line.split("==") for line in (default_project / "requirements.lock").read_text().splitlines() if "==" in line
    )
    assert torch_version.split("+")[0] == locked["torch"] and pytest_version == locked["pytest"]
