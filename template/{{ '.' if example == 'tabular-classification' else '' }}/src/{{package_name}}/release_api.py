"""The contract between this research code and the release tooling: the one file it calls.

Yours to edit. Staging, `make check-release`, the demo Space, `make benchmark-demo` and `make verify-release` use
only the names below (release_tools/contract.py documents each). When you replace the example, keep the names and
fill them in for your own data, model and metrics; `make check-release` says what is still missing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .release_tools.contract import Metric

INPUT = "tabular"  # the demo collects one number per measurement; predict() takes {measurement: value}
OUTPUT = "label"  # predict() answers {class: probability}
METRICS = {  # the numbers results/metrics.json holds, as the Hub's model-index shows them
    "accuracy": Metric("accuracy", "Accuracy"),
    "macro_f1": Metric("f1", "Macro F1", {"average": "macro"}),
}
EXAMPLES = "data/examples/*.json"  # written by `make data`; the demo Space ships them
CHECKPOINT_FILES = ("*",)  # every file save_pretrained wrote, TensorBoard logs and run.json included
TEST_TRAIN_ARGS = "train.epochs=5"  # optional: a quick `make train` for the tooling's tests (tests/conftest.py)


# The package's modules import torch; importing them only when called keeps `make stage` quick.
def load_model(source: str | Path, *, revision: str | None = None, cache_dir: str | None = None) -> Any:
    from .predict import load_model as load

    return load(source, revision=revision, cache_dir=cache_dir)


def read_split(path: Path) -> tuple[Any, Any]:
    from .data import read_table

    return read_table(Path(path))


def score(model: Any, inputs: Any, targets: Any) -> dict[str, float]:
    from .evaluate import score as score_split

    return score_split(model, inputs, targets)


def read_example(path: Path) -> dict[str, float]:
    from .data import open_example

    return open_example(path)


def predict(model: Any, inputs: list[Any]) -> list[dict[str, float]]:
    from .predict import predict as predict_wines

    return [result["probabilities"] for result in predict_wines(inputs, model)]
