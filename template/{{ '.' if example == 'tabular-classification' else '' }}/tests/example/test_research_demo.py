"""What the example's demo (demo/ui.py, yours to edit) says about input it cannot use, through the running demo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


def test_demo_explains_missing_and_impossible_values(release_demo, staged_release: Path) -> None:
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    url, process = release_demo
    client = Client(url, verbose=False)
    example = json.loads(sorted((staged_release / "data" / "examples").glob("*.json"))[0].read_text())
    names, values = list(example), list(example.values())
    with pytest.raises(AppError, match=f"Missing value: enter a number above 0 for {names[0]}, .*{names[-1]}"):
        client.predict(*[None] * len(names), api_name="/predict")
    with pytest.raises(AppError, match=f"Missing value: enter a number above 0 for {names[2]} \\(or pick an"):
        client.predict(*[0 if i == 2 else v for i, v in enumerate(values)], api_name="/predict")
    with pytest.raises(AppError, match="less than minimum"):
        client.predict(*[-1.0 if i == 0 else v for i, v in enumerate(values)], api_name="/predict")
    answer = client.predict(*values, api_name="/predict")
    assert answer["label"] in {"class_0", "class_1", "class_2"}
    assert process.poll() is None
