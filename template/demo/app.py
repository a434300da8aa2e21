"""Gradio demo: draw or upload a digit, see the three most likely labels.

Run locally with `make demo` (GRADIO_SERVER_PORT picks the port). In the Hugging Face Space built by
`make cards` (build/release/space/) there is no local checkpoint, so the model is loaded from the Hub
at the release tag from release.yaml, never from an unpinned `main`.
"""

from __future__ import annotations

import html
import importlib
import os
import sys
from pathlib import Path

import gradio as gr
import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE if (HERE / "release.yaml").is_file() else HERE.parent  # the Space, or the project checkout
if (ROOT / "src").is_dir():  # in the checkout the code lives under src/; in the Space beside this file
    sys.path.insert(0, str(ROOT / "src"))

RELEASE = yaml.safe_load((ROOT / "release.yaml").read_text(encoding="utf-8"))
UserError = importlib.import_module("release_tools.cli").UserError
_release_file = importlib.import_module("release_tools.release_file")
release_links = _release_file.release_links
open_image = importlib.import_module(f"{RELEASE['package']}.data").open_image
_predict = importlib.import_module(f"{RELEASE['package']}.predict")
load_model, predict = _predict.load_model, _predict.predict
# The tag make publish gave this version: its PEP 440 normal form (01.2.3 is tagged v1.2.3).
TAG = f"v{_release_file.normalized_version(str(RELEASE['version'])) or RELEASE['version']}"
CHECKPOINT = Path(os.environ.get("DEMO_CHECKPOINT", ROOT / "checkpoints" / "latest"))
EXAMPLES = sorted((ROOT / "examples").glob("*.png")) or sorted((ROOT / "data" / "examples").glob("*.png"))


def load() -> tuple[object | None, str]:
    """The model and where it came from; on failure None and the reason, so the app can say it."""
    try:
        if CHECKPOINT.is_dir():
            return load_model(CHECKPOINT), f"local checkpoint {CHECKPOINT.resolve().name}"
        return load_model(RELEASE["hub"]["model"], revision=TAG), f"{RELEASE['hub']['model']} at {TAG}"
    except Exception as exc:  # noqa: BLE001 - any failure (no network, no weights) must reach the user as text
        return (
            None,
            f"the model could not be loaded ({type(exc).__name__}: {exc}); run `make train` or check the Hub repository",
        )


MODEL, SOURCE = load()


def classify(image: str | dict | None) -> dict[str, float]:
    """Top-3 labels with probabilities for a file path (upload) or a sketch (draw)."""
    if MODEL is None:
        raise gr.Error(f"The demo cannot answer: {SOURCE}.")
    if isinstance(image, dict):  # Sketchpad value: use the flattened drawing
        image = image.get("composite")
    if image is None:
        raise gr.Error("No image: draw a digit or upload a PNG or JPEG file.")
    try:
        picture = image if not isinstance(image, str | Path) else open_image(image)
    except UserError as exc:
        raise gr.Error(f"Cannot read this file: {exc}") from None
    darkest, brightest = picture.convert("L").getextrema()
    if darkest == brightest:
        raise gr.Error("The image is blank: draw or upload a digit.")
    probabilities = predict([picture], MODEL)[0]["probabilities"]
    return dict(list(probabilities.items())[:3])


def links_markdown() -> str:
    names = {"paper": "Paper", "code": "Code", "model": "Model", "dataset": "Dataset", "page": "Project page"}
    links = release_links(RELEASE)
    return " · ".join(f"[{label}]({links[key]})" for key, label in names.items() if links[key])


def build() -> gr.Blocks:
    with gr.Blocks(title=RELEASE["title"]) as demo:
        gr.Markdown(f"# {html.escape(RELEASE['title'])}\n\n{html.escape(RELEASE['description'])}")
        gr.Markdown(f"{links_markdown()}\n\nModel: {html.escape(SOURCE)}.")
        with gr.Row():
            with gr.Column():
                with gr.Tab("Draw"):
                    sketch = gr.Sketchpad(type="pil", image_mode="L", canvas_size=(280, 280), label="Draw a digit")
                    draw_button = gr.Button("Classify drawing", variant="primary")
                with gr.Tab("Upload"):
                    upload = gr.File(file_types=["image"], type="filepath", label="PNG or JPEG of one digit")
                    upload_button = gr.Button("Classify file", variant="primary")
            label = gr.Label(num_top_classes=3, label="Top 3")
        draw_button.click(classify, sketch, label, api_name="classify_drawing")
        upload_button.click(classify, upload, label, api_name="classify")
        if EXAMPLES:
            gr.Examples(
                [[str(p)] for p in EXAMPLES],
                inputs=upload,
                outputs=label,
                fn=classify,
                cache_examples=True,
                cache_mode="lazy",
            )
        gr.Markdown(
            "**Limitations.** The model saw centred 8×8 scans of single digits; photos, several digits or unusual "
            "handwriting are often misread, and its probabilities are not calibrated."
        )
    return demo


if __name__ == "__main__":
    # A bounded queue keeps a busy Space responsive; never share=True (a public tunnel).
    build().queue(max_size=16).launch(server_name=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"))
