"""Inference entry point: `make predict INPUT=path` or `python -m <package>.predict PATH [--checkpoint DIR]`.

`predict()` is the one inference function: the demo and the model card's snippet use it too.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from .data import open_image, preprocess_image
from .model import DigitClassifier
from .release_tools.cli import UserError, run
from .release_tools.files import sha256_file

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg"}
WEIGHTS = "model.safetensors"


def weights_file(checkpoint: str | Path) -> tuple[Path, str]:
    path = Path(checkpoint) / WEIGHTS
    if not path.is_file():
        raise UserError(f"{path} not found; run `make train` first or pass CHECKPOINT=<checkpoint directory>")
    return path, sha256_file(path)


def load_model(
    checkpoint: str | Path = "checkpoints/latest", *, revision: str | None = None, cache_dir: str | None = None
) -> DigitClassifier:
    """Load a checkpoint directory, or a Hub repository id at `revision` (into `cache_dir`), in eval mode."""
    local = Path(checkpoint)
    if revision is None or local.exists():
        if not local.is_dir():
            raise UserError(
                f"checkpoint {local} not found; run `make train` first or pass CHECKPOINT=<checkpoint directory>"
            )
        weights_file(local)
        if not (local / "config.json").is_file():
            raise UserError(f"{local / 'config.json'} not found; the checkpoint is incomplete, run `make train` again")
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # from_pretrained prints a note; keep output clean
            model = DigitClassifier.from_pretrained(str(checkpoint), revision=revision, cache_dir=cache_dir)
    except (json.JSONDecodeError, TypeError) as exc:
        raise UserError(
            f"{local / 'config.json'} does not describe a DigitClassifier ({exc}); run `make train` again"
        ) from None
    except Exception as exc:  # safetensors raises its own error type for a damaged file
        if (
            type(exc).__name__ in {"SafetensorError", "HeaderTooLarge", "HeaderTooSmall"}
            or "safetensors" in type(exc).__module__
        ):
            raise UserError(
                f"{local / WEIGHTS} is not a valid safetensors file ({exc}); run `make train` again"
            ) from None
        if isinstance(exc, RuntimeError) and "state_dict" in str(exc):
            raise UserError(
                f"{local / WEIGHTS} does not fit the model in config.json; run `make train` again"
            ) from None
        raise
    return model.eval()


@torch.no_grad()
def predict(images: list[Image.Image | str | Path], model: DigitClassifier) -> list[dict]:
    """For each image (PIL image or file path): the top label and every label's probability, highest first."""
    if not images:
        return []
    pixels = np.stack([preprocess_image(im if isinstance(im, Image.Image) else open_image(im)) for im in images])
    probabilities = torch.softmax(model(torch.from_numpy(pixels)), dim=1).numpy()
    results = []
    for row in probabilities:
        ranked = sorted(zip(model.labels, row.tolist(), strict=True), key=lambda pair: -pair[1])
        results.append({"label": ranked[0][0], "probabilities": dict(ranked)})
    return results


def collect_inputs(path: str | Path) -> list[Path]:
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        if not files:
            raise UserError(f"{path} holds no .png, .jpg or .jpeg files; pass an image or a folder of images")
        return files
    if not path.exists():
        raise UserError(f"{path} not found; pass an existing image file or folder as INPUT=path")
    return [path]


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description="Predict the digit in image files (PNG or JPEG, any size).")
    parser.add_argument("input", help="an image file or a folder of images")
    parser.add_argument(
        "--checkpoint", default="checkpoints/latest", help="checkpoint directory (default: %(default)s)"
    )
    parser.add_argument("--top", type=int, default=3, help="probabilities to print per image (default: %(default)s)")
    parser.add_argument("--json", action="store_true", help="print the full results as JSON")
    args = parser.parse_args(argv)

    def go() -> list[dict]:
        files = collect_inputs(args.input)
        model = load_model(args.checkpoint)
        return [{"file": str(f), **r} for f, r in zip(files, predict(files, model), strict=True)]

    results = run(go)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        for r in results:
            top = ", ".join(f"{label}: {p:.3f}" for label, p in list(r["probabilities"].items())[: args.top])
            print(f"{r['file']}\tlabel {r['label']}\t({top})")
    return results


if __name__ == "__main__":
    main()
