"""Evaluation entry point: `make eval` or `python -m <package>.evaluate [--checkpoint DIR] [--split test]`.

Writes results/metrics.json: accuracy and macro-F1 with the split, its data checksum, and the
checkpoint path and weights hash, so every reported number traces back to what produced it.
"""

from __future__ import annotations

import argparse
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import torch

from .data import load_split
from .predict import load_model, weights_file
from .release_api import CHECKPOINT_FILES
from .release_tools.checkpoint import checkpoint_fields
from .release_tools.cli import run
from .release_tools.files import atomic_write_json


@torch.no_grad()
def predict_logits(
    model: torch.nn.Module, pixels: np.ndarray, *, batch_size: int = 512, device: torch.device | str = "cpu"
) -> np.ndarray:
    """Logits for a float32 array (N, 1, H, W), computed in batches with the model in eval mode."""
    was_training = model.training
    model.eval()
    outputs = [
        model(torch.from_numpy(pixels[i : i + batch_size]).to(device)).float().cpu()
        for i in range(0, len(pixels), batch_size)
    ]
    model.train(was_training)
    return torch.cat(outputs).numpy()


def score(model: torch.nn.Module, pixels: np.ndarray, labels: np.ndarray) -> dict:
    """The reported metrics of `model` on one split; `make verify-release` calls it on the published release."""
    from sklearn.metrics import accuracy_score, f1_score

    predicted = predict_logits(model, pixels).argmax(1)
    return {
        "accuracy": float(accuracy_score(labels, predicted)),
        "macro_f1": float(f1_score(labels, predicted, average="macro")),
    }


def evaluate(
    checkpoint: str | Path = "checkpoints/latest",
    data_dir: str | Path = "data",
    split: str = "test",
    output: str | Path | None = "results/metrics.json",
) -> dict:
    """Accuracy and macro-F1 of `checkpoint` on `split`; written to `output` unless it is None."""
    model = load_model(checkpoint)
    pixels, labels, data_checksum = load_split(data_dir, split)
    weights_file(checkpoint)  # a clear error when there are no weights
    metrics = {
        **score(model, pixels, labels),
        "split": split,
        "num_examples": int(len(labels)),
        "data_file": str(Path(data_dir) / f"{split}.parquet"),
        "data_checksum": data_checksum,
        **checkpoint_fields(checkpoint, CHECKPOINT_FILES),  # the folder and every file's sha256, for staging
        "evaluated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    if output is not None:
        atomic_write_json(output, metrics)
    return metrics


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description="Evaluate a checkpoint and write results/metrics.json.")
    parser.add_argument(
        "--checkpoint", default="checkpoints/latest", help="checkpoint directory (default: %(default)s)"
    )
    parser.add_argument("--data-dir", default="data", help="data directory (default: %(default)s)")
    parser.add_argument("--split", default="test", help="split to evaluate on (default: %(default)s)")
    parser.add_argument("--output", default="results/metrics.json", help="metrics file (default: %(default)s)")
    args = parser.parse_args(argv)
    metrics = run(lambda: evaluate(args.checkpoint, args.data_dir, args.split, args.output))
    print(
        f"{args.split}: accuracy {metrics['accuracy']:.4f}, macro-F1 {metrics['macro_f1']:.4f} on {metrics['num_examples']} examples -> {args.output}"
    )
    return metrics


if __name__ == "__main__":
    main()
