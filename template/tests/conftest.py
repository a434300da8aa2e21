"""Template-owned fixtures of the tooling's tests: the contract, and one release built as a researcher builds it.

The tooling's tests reach the research code only through src/<package>/release_api.py (release_tools.contract):
`staged_release` copies this project, commits it, runs `make data`, `make train ARGS=<release_api.TEST_TRAIN_ARGS>`,
`make eval` and `make benchmark` in it, stages it and checks it once. Until release_api.py is complete, every
test that needs that release is skipped, with the reason. Your own tests (tests/example/) may use these fixtures
too: `contract`, `staged_release` (copy it before changing anything) and `release_demo`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml
from release_helpers import ROOT, commit_all, copy_sources, made

from release_tools.check import check_release
from release_tools.contract import Contract, load_contract
from release_tools.demo_run import demo_ui, first_answer, running_demo
from release_tools.stage import build_release

INCOMPLETE = "release_api.py is not complete yet; make check-release lists what is left"
# The tests run several processes side by side (make targets, the release check's probes, demos): one math thread
# each keeps them from fighting over a small machine's cores, which made them several times slower. An explicit
# setting in the environment wins; `make train` and the rest outside the tests are unaffected.
for _threads in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_threads, "1")


def package_name(root: Path = ROOT) -> str:
    return yaml.safe_load((root / "release.yaml").read_text(encoding="utf-8"))["package"]


@pytest.fixture(scope="session")
def contract() -> Contract:
    """This project's release_api, as the tooling reads it (complete or not)."""
    return load_contract(package_name())


@pytest.fixture(scope="session")
def complete_contract(contract: Contract) -> Contract:
    """The contract, or a skip of the test when release_api.py still has something to write."""
    if contract.problems():
        pytest.skip(INCOMPLETE)
    return contract


def make_release(root: Path, quick: str | None) -> Path:
    """make's part of the shared release, in `root`: the data, a quick training run, its evaluation and benchmark."""
    made(root, "data")
    made(root, "train", *([f"ARGS={quick}"] if quick else []))
    made(root, "-j2", "eval", "benchmark")  # side by side: neither reads what the other writes
    return root


@pytest.fixture(scope="session", autouse=True)
def release_in_the_background(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Future | None]:
    """make's part of `staged_release`, started with the session's first test when a selected test needs it: it runs
    in subprocesses, their output captured, beside the tests that do not need it (one math thread each), so that a
    small machine's cores are busy while the first tests run."""
    try:
        contract = load_contract(package_name())
    except Exception:  # release.yaml or release_api.py is broken: the tests that need them say how
        contract = None
    needed = any("staged_release" in item.fixturenames for item in request.session.items)
    if contract is None or contract.problems() or not needed:
        yield None
        return
    root = copy_sources(tmp_path_factory.mktemp("release"))
    commit_all(root)  # .gitignore keeps data/, checkpoints/ and build/ out, as in a real project
    with ThreadPoolExecutor(max_workers=1) as pool:
        yield pool.submit(make_release, root, getattr(contract.module, "TEST_TRAIN_ARGS", None))


@pytest.fixture(scope="session")
def staged_release(release_in_the_background: Future | None, complete_contract: Contract) -> Path:
    """A committed copy of this project with data, a quick training run (release_api.TEST_TRAIN_ARGS), results and
    build/release/, made by the Makefile, checked once: build/.checks/ holds the behaviour probes' results, so a copy
    whose staged files are unchanged is not probed again. Tests copy it (`copy_project`) before changing anything."""
    assert release_in_the_background is not None  # started whenever a selected test needs it
    root = release_in_the_background.result()
    build_release(root)
    check_release(root)  # warms build/.checks/ for every copy
    return root


@pytest.fixture(scope="session")
def release_demo(staged_release: Path, complete_contract: Contract):
    """The project's demo (demo/app.py) serving the staged release's checkpoint on a loopback port, up and answering
    its first example: (url, process)."""
    examples = complete_contract.example_files(staged_release)
    assert examples, f"no example input matches release_api.EXAMPLES ({complete_contract.EXAMPLES})"
    values = demo_ui(staged_release).example_values(examples[0])
    env = {"DEMO_CHECKPOINT": str(staged_release / "checkpoints" / "latest")}
    with running_demo(staged_release, env) as (url, process, _):
        first_answer(url, process, values)  # waits until the app is up
        yield url, process
        assert process.poll() is None  # bad input never brought it down
