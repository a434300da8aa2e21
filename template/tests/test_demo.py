"""Template-owned tests of the demo's wiring (demo/app.py), whatever demo/ui.py shows: the demo is started for
real on a loopback port and called through gradio_client at its one endpoint, `/predict`, as the release check and
its users call it. What your inputs say about bad values is tested beside them, in tests/example/.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from release_helpers import copy_project, working_directory

from release_tools.behaviour import answer_of_demo, same_answer
from release_tools.contract import Contract
from release_tools.demo_run import client_args, demo_ui, first_answer, running_demo
from release_tools.probe import answer_of


@pytest.fixture(scope="module", autouse=True)
def demo_without_model(staged_release: Path, tmp_path_factory: pytest.TempPathFactory):
    """The demo with no model to load (no checkpoint, the Hub offline), started first: it boots while the other tests
    of this module run."""
    env = {"DEMO_CHECKPOINT": str(tmp_path_factory.mktemp("no-model") / "none"), "HF_HUB_OFFLINE": "1"}
    with running_demo(staged_release, env) as (url, process, _):
        yield url, process


def model_answers(contract: Contract, root: Path) -> dict[Path, object]:
    """Each shipped example -> what release_api.predict answers for it in this process."""
    examples = contract.example_files(root)
    model = contract.load_model(root / "checkpoints" / "latest")
    return dict(zip(examples, contract.predict(model, [contract.read_example(p) for p in examples]), strict=True))


def test_demo_answers_every_example_as_the_model_does(
    release_demo, staged_release: Path, complete_contract: Contract
) -> None:
    from gradio_client import Client

    url, _ = release_demo
    ui = demo_ui(staged_release)
    client = Client(url, verbose=False)
    expected = model_answers(complete_contract, staged_release)
    assert expected, "no example to try"
    for path, output in expected.items():
        answer = client.predict(*client_args(ui.example_values(path)), api_name="/predict")
        wanted = answer_of(output, complete_contract.OUTPUT)  # the top label, the text or the number
        assert same_answer(answer_of_demo(answer), wanted), (path.name, answer, output)
        if complete_contract.OUTPUT == "label":  # and the probabilities it shows are the model's
            shown = {c["label"]: c["confidence"] for c in answer["confidences"]}
            assert shown and all(abs(p - float(output[label])) < 1e-5 for label, p in shown.items()), (answer, output)


def test_demo_refuses_empty_input_and_keeps_running(release_demo, staged_release: Path, complete_contract) -> None:
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    url, process = release_demo
    first = complete_contract.example_files(staged_release)[0]
    values = demo_ui(staged_release).example_values(first)
    with pytest.raises(AppError) as info:
        Client(url, verbose=False).predict(*[None] * len(values), api_name="/predict")
    assert str(info.value).strip(), "the demo must say what is wrong with the input"
    assert process.poll() is None


def test_benchmark_demo_times_the_first_answer(
    staged_release: Path, complete_contract: Contract, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from release_tools import demo_run

    project = copy_project(staged_release, tmp_path / "project")
    monkeypatch.setattr(sys, "path", list(sys.path))  # benchmark-demo puts the project's src/ on the path
    with working_directory(project):
        demo_run.main([])  # make benchmark-demo
    result = json.loads((project / "results" / "demo_benchmark.json").read_text())
    first, output = next(iter(model_answers(complete_contract, project).items()))
    assert Path(result["example"]).name == first.name and result["cold_start_s"] > 0
    assert same_answer(result["answer"], answer_of(output, complete_contract.OUTPUT)), (result, output)


def test_demo_without_a_model_says_why(demo_without_model, staged_release: Path, complete_contract: Contract) -> None:
    from gradio_client.exceptions import AppError

    url, process = demo_without_model
    first = complete_contract.example_files(staged_release)[0]
    values = demo_ui(staged_release).example_values(first)
    with pytest.raises(AppError, match="The demo cannot answer: the model could not be loaded"):
        first_answer(url, process, values)
