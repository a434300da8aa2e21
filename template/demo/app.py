"""Template-owned: how the demo is wired. What it shows (inputs, text, examples) is demo/ui.py, which is yours.

The model comes from `release_api` (src/<package>/release_api.py, the contract): a local checkpoint when there is one
(`make demo`), else the Hub repository at the release tag from release.yaml, never an unpinned `main`. The app
exposes one API endpoint, `/predict`, taking what demo/ui.py's inputs() collect, so `make benchmark-demo`,
`make check-release` and gradio_client users call it the same way. In the Space built by `make cards`
(build/release/space/) this file is app.py, beside ui.py, release.yaml and the code.
"""

from __future__ import annotations

import html
import importlib
import os
import sys
from pathlib import Path
from typing import Any

import gradio as gr
import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE if (HERE / "release.yaml").is_file() else HERE.parent  # the Space, or the project checkout
if (ROOT / "src").is_dir():  # in the checkout the code lives under src/; in the Space beside this file
    sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))
ui = importlib.import_module("ui")  # demo/ui.py: what the demo shows

RELEASE = yaml.safe_load((ROOT / "release.yaml").read_text(encoding="utf-8"))
_release_file = importlib.import_module("release_tools.release_file")
contract = importlib.import_module("release_tools.contract").load_contract(RELEASE["package"])
# The tag make publish gave this version: its PEP 440 normal form (01.2.3 is tagged v1.2.3).
TAG = f"v{_release_file.normalized_version(str(RELEASE['version'])) or RELEASE['version']}"
CHECKPOINT = Path(os.environ.get("DEMO_CHECKPOINT", ROOT / "checkpoints" / "latest"))
EXAMPLES = sorted(p for p in (HERE / "examples").glob("*") if p.is_file()) or contract.example_files(ROOT)


def load() -> tuple[object | None, str]:
    """The model and where it came from; on failure None and the reason, so the app can say it."""
    try:
        if CHECKPOINT.is_dir():
            return contract.load_model(CHECKPOINT), f"local checkpoint {CHECKPOINT.resolve().name}"
        return contract.load_model(RELEASE["hub"]["model"], revision=TAG), f"{RELEASE['hub']['model']} at {TAG}"
    except Exception as exc:  # noqa: BLE001 - any failure (no network, no weights) must reach the user as text
        return (
            None,
            f"the model could not be loaded ({type(exc).__name__}: {exc}); run `make train` or check the Hub repository",
        )


MODEL, SOURCE = load()


def shown(output: Any) -> Any:
    """A prediction as the output component takes it: every class's probability for a label."""
    if contract.OUTPUT == "label":
        return {str(label): float(p) for label, p in sorted(output.items(), key=lambda item: -float(item[1]))}
    if contract.OUTPUT == "number":
        return float(output)
    return str(output)


def answer(*values: Any) -> Any:
    """The `/predict` endpoint: the inputs' values -> ui.to_model_input -> release_api.predict."""
    if MODEL is None:
        raise gr.Error(f"The demo cannot answer: {SOURCE}.")
    try:
        model_input = ui.to_model_input(*values)
    except ValueError as exc:  # ui.py says what is wrong with the input
        raise gr.Error(str(exc)) from None
    return shown(contract.predict(MODEL, [model_input])[0])


def output_component() -> gr.components.Component:
    if contract.OUTPUT == "label":
        return gr.Label(num_top_classes=3, label="Most likely")
    if contract.OUTPUT == "number":
        return gr.Number(label="Prediction")
    return gr.Textbox(label="Prediction")


def links_markdown() -> str:
    names = {"paper": "Paper", "code": "Code", "model": "Model", "dataset": "Dataset", "page": "Project page"}
    links = _release_file.release_links(RELEASE)
    return " · ".join(f"[{label}]({links[key]})" for key, label in names.items() if links[key])


def example_value(value: Any) -> Any:
    return str(value) if isinstance(value, Path) else value


def build() -> gr.Blocks:
    with gr.Blocks(title=RELEASE["title"]) as demo:
        gr.Markdown(f"# {html.escape(RELEASE['title'])}\n\n{html.escape(RELEASE['description'])}")
        gr.Markdown(f"{links_markdown()}\n\nModel: {html.escape(SOURCE)}.")
        gr.Markdown(ui.INTRO)
        with gr.Row():
            with gr.Column():
                inputs = ui.inputs()
                button = gr.Button("Predict", variant="primary")
            output = output_component()
        button.click(answer, inputs, output, api_name="predict")
        if EXAMPLES:
            gr.Examples(
                [[example_value(v) for v in ui.example_values(p)] for p in EXAMPLES],
                inputs=inputs,
                outputs=output,
                fn=answer,
                cache_examples=True,
                cache_mode="lazy",
            )
        gr.Markdown(ui.LIMITATIONS)
    return demo


if __name__ == "__main__":
    # A bounded queue keeps a busy Space responsive; never share=True (a public tunnel). An incomplete release_api.py
    # (e.g. OUTPUT still a todo) stops it with one line saying what to write, not a traceback.
    importlib.import_module("release_tools.cli").run(
        lambda: build().queue(max_size=16).launch(server_name=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"))
    )
