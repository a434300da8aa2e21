"""Data: scikit-learn's bundled handwritten digits, written as parquet splits with a checksum manifest.

Yours to replace. `make data` runs this module: it recreates the dataset from its public source,
so anyone can rebuild exactly the bytes the release was trained on. Keep `build_dataset`,
`load_split`, `preprocess_image` and `LABELS` for the scripts that use them.
"""

from __future__ import annotations

import argparse
import io
import os
import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from PIL import Image, UnidentifiedImageError

from .release_tools.cli import UserError, run
from .release_tools.files import atomic_write_bytes
from .release_tools.manifest import REBUILD, verified_file, write_manifest

SOURCE = "sklearn.datasets.load_digits (UCI ML hand-written digits, 1,797 images of 8x8 pixels)"
LABELS = [str(digit) for digit in range(10)]
IMAGE_SIZE = 8
SPLITS = {"train": 0.7, "validation": 0.1, "test": 0.2}
DEFAULT_SEED = 0


def load_source() -> tuple[np.ndarray, np.ndarray]:
    """Images as uint8 arrays (N, 8, 8) with ink bright on black, and integer labels."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = np.rint(digits.images * (255 / 16)).astype(np.uint8)  # 0..16 -> 0..255
    return images, digits.target.astype(np.int64)


def split_indices(labels: np.ndarray, seed: int) -> dict[str, np.ndarray]:
    """Stratified, seeded split into train / validation / test."""
    from sklearn.model_selection import train_test_split

    everything = np.arange(len(labels))
    rest, test = train_test_split(everything, test_size=SPLITS["test"], stratify=labels, random_state=seed)
    val_share = SPLITS["validation"] / (1 - SPLITS["test"])
    train, validation = train_test_split(rest, test_size=val_share, stratify=labels[rest], random_state=seed)
    return {"train": np.sort(train), "validation": np.sort(validation), "test": np.sort(test)}


def encode_png(image: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(image, mode="L").save(buffer, format="PNG")
    return buffer.getvalue()


def build_dataset(out_dir: str | Path = "data", seed: int = DEFAULT_SEED) -> dict:
    """Write `<split>.parquet` for each split and `manifest.json`; returns the manifest."""
    from datasets import ClassLabel, Dataset, Features, disable_progress_bars
    from datasets import Image as ImageFeature

    disable_progress_bars()

    out_dir = Path(out_dir)
    images, labels = load_source()
    features = Features({"image": ImageFeature(), "label": ClassLabel(names=LABELS)})
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = {}
    # Stage the splits beside their final place and move them in when all are written; the manifest
    # goes last, so an interrupted run is caught by the checksum check instead of used silently.
    splits = split_indices(labels, seed)
    with tempfile.TemporaryDirectory(prefix=".staging-", dir=out_dir) as staging:
        for split, index in splits.items():
            table = {
                "image": [{"bytes": encode_png(images[i]), "path": None} for i in index],
                "label": labels[index].tolist(),
            }
            Dataset.from_dict(table, features=features).to_parquet(str(Path(staging) / f"{split}.parquet"))
            rows[f"{split}.parquet"] = len(index)
        for name in rows:
            os.replace(Path(staging) / name, out_dir / name)
    write_examples(out_dir / "examples", images, labels, splits["test"])
    return write_manifest(out_dir, rows, source=SOURCE, seed=seed, labels=LABELS, command="make data")


def write_examples(folder: Path, images: np.ndarray, labels: np.ndarray, candidates: np.ndarray) -> list[Path]:
    """One test-split image per label as `<label>.png`: inputs for `make predict` and the demo."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for label in range(len(LABELS)):
        first = next(i for i in candidates if labels[i] == label)
        path = folder / f"{LABELS[label]}.png"
        atomic_write_bytes(path, encode_png(images[first]))
        written.append(path)
    return written


def read_images(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Decode a split file into float32 images (N, 1, 8, 8) in [0, 1] and int64 labels."""
    try:
        table = pq.read_table(path, columns=["image", "label"])
    except (pa.ArrowException, OSError) as exc:
        raise UserError(f"{path} is not a readable parquet file ({type(exc).__name__}); {REBUILD}") from None
    images = [
        np.asarray(Image.open(io.BytesIO(cell["bytes"])), dtype=np.uint8) for cell in table.column("image").to_pylist()
    ]
    pixels = np.stack(images).astype(np.float32)[:, None] / 255.0
    return pixels, np.asarray(table.column("label").to_pylist(), dtype=np.int64)


def load_split(data_dir: str | Path, split: str) -> tuple[np.ndarray, np.ndarray, str]:
    """Images, labels and the file's sha256, after checking the file against the manifest."""
    if split not in SPLITS:
        raise UserError(f"unknown split {split!r}; choose one of {', '.join(SPLITS)}")
    path, checksum = verified_file(Path(data_dir), f"{split}.parquet")
    images, labels = read_images(path)
    return images, labels, checksum


def preprocess_image(image: Image.Image) -> np.ndarray:
    """Any PIL image -> float32 (1, 8, 8) in [0, 1], bright ink on a dark background like the training data."""
    gray = image.convert("L")
    if gray.size != (IMAGE_SIZE, IMAGE_SIZE):
        gray = gray.resize((IMAGE_SIZE, IMAGE_SIZE), Image.Resampling.BOX)
    pixels = np.asarray(gray, dtype=np.float32) / 255.0
    if pixels.mean() > 0.5:  # dark ink on light paper: invert to match the training data
        pixels = 1.0 - pixels
    return pixels[None]


def open_image(path: str | Path) -> Image.Image:
    """Open an image file, with a one-line error for anything that is not a readable image."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path} not found; pass an existing image file or folder as INPUT=path")
    try:
        with Image.open(path) as image:
            image.load()
            return image.copy()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise UserError(f"{path} is not a readable image ({exc.__class__.__name__}); give a PNG or JPEG file") from None


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description="Recreate the dataset from its public source as parquet splits.")
    parser.add_argument("--out", default="data", help="output directory (default: data)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="split seed (default: %(default)s)")
    args = parser.parse_args(argv)
    manifest = run(lambda: build_dataset(args.out, args.seed))
    for name, info in manifest["files"].items():
        print(f"{args.out}/{name}: {info['rows']} rows, sha256 {info['sha256'][:12]}")
    print(f"{args.out}/manifest.json: dataset checksum {manifest['checksum'][:12]}")
    print(f"{args.out}/examples/: one test image per label, for `make predict INPUT={args.out}/examples`")
    return manifest


if __name__ == "__main__":
    main()
