"""The Gradio demo, started for real on a loopback port and called with gradio_client."""

from __future__ import annotations

from pathlib import Path

import pytest

from release_tools.demo_run import first_answer, running_demo

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def client(trained: dict, data_dir: Path):
    from gradio_client import Client

    with running_demo(ROOT, {"DEMO_CHECKPOINT": trained["checkpoint"]}) as (url, process, _):
        first_answer(url, process, data_dir / "examples" / "0.png")  # waits until the app is up
        yield Client(url, verbose=False)
        assert process.poll() is None  # bad input never brought it down


def test_demo_classifies_test_digits(client, data_dir: Path) -> None:
    from gradio_client import handle_file

    files = sorted((data_dir / "examples").glob("*.png"))
    answers = {p.stem: client.predict(handle_file(str(p)), api_name="/classify")["label"] for p in files}
    assert sum(label == expected for expected, label in answers.items()) >= 9, answers


def test_demo_explains_bad_input(client, tmp_path: Path) -> None:
    from gradio_client import handle_file
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="No image: draw a digit or upload"):
        client.predict(None, api_name="/classify")
    text = tmp_path / "notes.png"
    text.write_text("not an image")
    with pytest.raises(AppError, match="is not a readable image"):
        client.predict(handle_file(str(text)), api_name="/classify")


def test_demo_without_a_model_says_why(data_dir: Path, tmp_path: Path) -> None:
    from gradio_client.exceptions import AppError

    env = {"DEMO_CHECKPOINT": str(tmp_path / "none"), "HF_HUB_OFFLINE": "1"}
    with running_demo(ROOT, env) as (url, process, _):
        with pytest.raises(AppError, match="The demo cannot answer: the model could not be loaded"):
            first_answer(url, process, data_dir / "examples" / "1.png")
