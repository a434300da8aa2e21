"""What the demo shows: its inputs, its text and how an example file fills the inputs. Yours to write.

demo/app.py (the template's) lays these out, adds the output, the links and the examples, and sends what the inputs
collect through `to_model_input` to release_api.predict, at the `/predict` endpoint. This is a placeholder: choose
the inputs your model takes (gr.Image, gr.Textbox, gr.Dataframe, ...), say what to enter, and turn their values
into one predict() input.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # Gradio loads in inputs(): the release check reads example_values() without its seconds
    import gradio as gr

INTRO = "This demo is not written yet: say here what to enter and what the model answers."
LIMITATIONS = "**Limitations.** Say here what the model was not trained for and where it fails."


def inputs() -> list[gr.components.Component]:
    import gradio as gr

    return [gr.Textbox(label="Input", lines=3)]


def to_model_input(value: Any) -> Any:
    """The inputs' values as one release_api.predict input; a ValueError says what is wrong with them."""
    raise ValueError("demo/ui.py is a placeholder: write inputs() and to_model_input() for your model's input")


def example_values(path: Path) -> list[Any]:
    """The inputs' values for one of the example files the Space ships (a Path for a file input)."""
    return [path]
