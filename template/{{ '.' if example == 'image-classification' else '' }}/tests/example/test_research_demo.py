"""What the example's demo (demo/ui.py, yours to edit) says about input it cannot use, through the running demo."""

from __future__ import annotations

from pathlib import Path

import pytest


def test_demo_explains_bad_images(release_demo, tmp_path: Path) -> None:
    from gradio_client import Client, handle_file
    from gradio_client.exceptions import AppError

    url, process = release_demo
    client = Client(url, verbose=False)
    with pytest.raises(AppError, match="No image: upload a PNG or JPEG of one handwritten digit"):
        client.predict(None, api_name="/predict")
    text = tmp_path / "notes.png"
    text.write_text("not an image")
    with pytest.raises(AppError):  # gr.Image refuses a file that is not an image before ui.to_model_input sees it
        client.predict(handle_file(str(text)), api_name="/predict")
    blank = tmp_path / "blank.png"
    from PIL import Image

    Image.new("L", (8, 8), 0).save(blank)
    with pytest.raises(AppError, match="The image is blank"):
        client.predict(handle_file(str(blank)), api_name="/predict")
    assert process.poll() is None
