"""Template-owned: how the demo is wired. What it shows (inputs, text, examples) is demo/ui.py, which is yours.

The model comes from `release_api` (src/<package>/release_api.py, the contract): a local checkpoint when there is one
(`make demo`), else the Hub repository at the release tag from release.yaml, never an unpinned `main`. The app
exposes one API endpoint, `/predict`, taking what demo/ui.py's inputs() collect, so `make benchmark-demo`,
`make check-release` and gradio_client users call it the same way. In the Space built by `make stage`
(build/release/demo/) this file is app.py, beside ui.py, release.yaml and the code.

The model is loaded on first use, not at import: the app starts even when the model cannot be loaded yet (a private
model repository the Space has no token for, a release not public yet, the Hub unreachable). While it cannot, each
request says why and the app tries again, at most every DEMO_RETRY_S seconds (default 30), so the Space recovers by
itself once the model is reachable (e.g. after `make release-public`), without a restart by hand.
"""

from __future__ import annotations

import html
import importlib
import os
import re
import sys
import threading
import time
from pathlib import Path
from typing import Any

import gradio as gr
import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE if (HERE / "release.yaml").is_file() else HERE.parent  # the Space, or the project checkout
CHECKOUT = (ROOT / "src").is_dir()  # in the checkout the code lives under src/; in the Space beside this file
if CHECKOUT:
    sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))
ui = importlib.import_module("ui")  # demo/ui.py: what the demo shows

RELEASE = yaml.safe_load((ROOT / "release.yaml").read_text(encoding="utf-8"))
_release_file = importlib.import_module(f"{RELEASE['package']}.release_tools.release_file")
contract = importlib.import_module(f"{RELEASE['package']}.release_tools.contract").load_contract(RELEASE["package"])
# The tag make publish gave this version: its PEP 440 normal form (01.2.3 is tagged v1.2.3).
TAG = f"v{_release_file.normalized_version(str(RELEASE['version'])) or RELEASE['version']}"
CHECKPOINT = Path(os.environ.get("DEMO_CHECKPOINT", ROOT / "checkpoints" / "latest"))
EXAMPLES = sorted(p for p in (HERE / "examples").glob("*") if p.is_file()) or contract.example_files(ROOT)


def retry_seconds(default: float = 30.0) -> float:
    """DEMO_RETRY_S, the least time between two attempts to load the model; a bad value falls back to the default."""
    try:
        value = float(os.environ.get("DEMO_RETRY_S", default))
    except ValueError:
        print(f"DEMO_RETRY_S is not a number of seconds; retrying every {default:.0f} s", file=sys.stderr)
        return default
    return value if value >= 0 else default


RETRY_S = retry_seconds()
MAKE_COMMAND = re.compile(r"`make |\brun make ")  # how the project's messages name a target to run


def source() -> str:
    """Where the model comes from (is loaded from, once it loads)."""
    if CHECKPOINT.is_dir():
        return f"local checkpoint {CHECKPOINT.resolve().name}"
    return f"{RELEASE['hub']['model']} at {TAG}"


def load() -> object:
    """The model: the local checkpoint when there is one, else the Hub repository at the release tag."""
    if CHECKPOINT.is_dir():
        return contract.load_model(CHECKPOINT)
    return contract.load_model(RELEASE["hub"]["model"], revision=TAG)


def reason(exc: BaseException) -> str:
    """Why the model did not load, in one line, for the page. A visitor of the Space cannot run make targets, so
    the parts of a message that say which one to run are left out there."""
    text = " ".join(f"{type(exc).__name__}: {exc}".split())
    if not CHECKOUT:
        parts = [part for part in text.split("; ") if not MAKE_COMMAND.search(part)]
        text = "; ".join(parts) or type(exc).__name__
    return text if len(text) <= 300 else text[:299] + "…"


class LazyModel:
    """The model, loaded on first use. While it cannot be loaded, every use says why, and another attempt is made
    at most every RETRY_S seconds: the demo recovers by itself once the model is reachable. Thread-safe: requests
    that arrive while one of them loads wait for that attempt instead of starting their own."""

    def __init__(self, retry_s: float) -> None:
        self.retry_s = retry_s
        self._lock = threading.Lock()
        self._model: object | None = None
        self._problem: str | None = None  # why the last attempt failed
        self._last_try: float | None = None  # time.monotonic() of the last attempt

    def get(self) -> object:
        """The model, or gr.Error with a message for the person using the demo."""
        with self._lock:
            if self._model is None and (self._last_try is None or time.monotonic() - self._last_try >= self.retry_s):
                self._last_try = time.monotonic()
                try:
                    self._model, self._problem = load(), None
                except Exception as exc:  # noqa: BLE001 - any failure (no network, no token, no weights) is text
                    self._problem = reason(exc)
                    print(f"demo: the model ({source()}) could not be loaded: {self._problem}", file=sys.stderr)
                    if not CHECKOUT:
                        print(
                            "demo: if the model repository is private, add a read-only token as the Space secret "
                            "HF_TOKEN (Settings → Variables and secrets), or make the release public",
                            file=sys.stderr,
                        )
            if self._model is not None:
                return self._model
            raise gr.Error(self.message(), print_exception=False)

    def warm(self) -> None:
        """The first attempt, in the background while the server starts, so that the first visitor need not wait
        for it; a failure is said in the log, and requests try again."""
        try:
            self.get()
        except gr.Error:
            pass

    def message(self) -> str:
        seconds = f"{self.retry_s:.0f}"
        if CHECKOUT:  # `make demo`: the person reading this can train or fix the checkpoint
            return (
                f"The demo cannot answer: the model could not be loaded ({self._problem}); run `make train` "
                f"(or set DEMO_CHECKPOINT) or check the Hub repository; the demo tries again at most every {seconds} s."
            )
        return f"The model is not available yet ({self._problem}); the demo retries — try again in a minute."


MODEL = LazyModel(RETRY_S)


def shown(output: Any) -> Any:
    """A prediction as the output component takes it: every class's probability for a label."""
    if contract.OUTPUT == "label":
        return {str(label): float(p) for label, p in sorted(output.items(), key=lambda item: -float(item[1]))}
    if contract.OUTPUT == "number":
        return float(output)
    return str(output)


def answer(*values: Any) -> Any:
    """The `/predict` endpoint: the inputs' values -> ui.to_model_input -> release_api.predict."""
    model = MODEL.get()
    try:
        model_input = ui.to_model_input(*values)
    except ValueError as exc:  # ui.py says what is wrong with the input
        raise gr.Error(str(exc)) from None
    return shown(contract.predict(model, [model_input])[0])


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
        gr.Markdown(f"{links_markdown()}\n\nModel: {html.escape(source())}.")
        gr.Markdown(ui.INTRO)
        with gr.Row():
            with gr.Column():
                inputs = ui.inputs()
                button = gr.Button("Predict", variant="primary")
            output = output_component()
        button.click(answer, inputs, output, api_name="predict")
        if EXAMPLES:
            gr.Examples(  # cached on first use, and only answers are cached: an error is not, so a retry can work
                [[example_value(v) for v in ui.example_values(p)] for p in EXAMPLES],
                inputs=inputs,
                outputs=output,
                fn=answer,
                cache_examples=True,
                cache_mode="lazy",
            )
        gr.Markdown(ui.LIMITATIONS)
    return demo


def serve() -> None:
    """Build the app, start loading the model in the background, and serve. A bounded queue keeps a busy Space
    responsive; never share=True (a public tunnel)."""
    demo = build()
    threading.Thread(target=MODEL.warm, name="load-model", daemon=True).start()
    demo.queue(max_size=16).launch(server_name=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"))


if __name__ == "__main__":
    # An incomplete release_api.py (e.g. OUTPUT still a todo) stops it with one line saying what to write, not a
    # traceback.
    importlib.import_module(f"{RELEASE['package']}.release_tools.cli").run(serve)
