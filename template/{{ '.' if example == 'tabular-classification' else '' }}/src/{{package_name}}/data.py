"""Data: scikit-learn's bundled wine measurements, written as parquet splits with a checksum manifest.

Yours to replace. `make data` runs this module: it recreates the dataset from its public source,
so anyone can rebuild exactly the bytes the release was trained on. Keep `build_dataset`,
`load_split`, `read_table`, `open_example`, `preprocess_row`, `FEATURES` and `LABELS` for the
scripts that use them.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from .release_tools.cli import UserError, run
from .release_tools.files import atomic_write_bytes
from .release_tools.manifest import REBUILD, verified_file, write_manifest

SOURCE = "sklearn.datasets.load_wine (UCI ML Wine recognition data, 178 wines of 3 cultivars, 13 chemical measurements)"
# The 13 measurements, named as scikit-learn names them; one parquet column and one demo input each.
FEATURES = [
    "alcohol",
    "malic_acid",
    "ash",
    "alcalinity_of_ash",
    "magnesium",
    "total_phenols",
    "flavanoids",
    "nonflavanoid_phenols",
    "proanthocyanins",
    "color_intensity",
    "hue",
    "od280/od315_of_diluted_wines",
    "proline",
]
LABELS = ["class_0", "class_1", "class_2"]  # the three cultivars, named as scikit-learn names them
SPLITS = {"train": 0.7, "validation": 0.1, "test": 0.2}
DEFAULT_SEED = 0


def load_source() -> tuple[np.ndarray, np.ndarray]:
    """Measurements as float64 (N, 13) in their original units, in FEATURES order, and integer labels."""
    from sklearn.datasets import load_wine

    wine = load_wine()
    if list(wine.feature_names) != FEATURES or list(wine.target_names) != LABELS:
        raise UserError(
            "sklearn.datasets.load_wine no longer names its columns and classes as FEATURES and LABELS in data.py say; "
            "update them there"
        )
    return np.asarray(wine.data, dtype=np.float64), wine.target.astype(np.int64)


def split_indices(labels: np.ndarray, seed: int) -> dict[str, np.ndarray]:
    """Stratified, seeded split into train / validation / test."""
    from sklearn.model_selection import train_test_split

    everything = np.arange(len(labels))
    rest, test = train_test_split(everything, test_size=SPLITS["test"], stratify=labels, random_state=seed)
    val_share = SPLITS["validation"] / (1 - SPLITS["test"])
    train, validation = train_test_split(rest, test_size=val_share, stratify=labels[rest], random_state=seed)
    return {"train": np.sort(train), "validation": np.sort(validation), "test": np.sort(test)}


def build_dataset(out_dir: str | Path = "data", seed: int = DEFAULT_SEED) -> dict:
    """Write `<split>.parquet` for each split, `examples/` and `manifest.json`; returns the manifest."""
    from datasets import ClassLabel, Dataset, Features, Value, disable_progress_bars

    disable_progress_bars()

    out_dir = Path(out_dir)
    values, labels = load_source()
    features = Features({**{name: Value("float64") for name in FEATURES}, "label": ClassLabel(names=LABELS)})
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = {}
    # Stage the splits beside their final place and move them in when all are written; the manifest
    # goes last, so an interrupted run is caught by the checksum check instead of used silently.
    splits = split_indices(labels, seed)
    with tempfile.TemporaryDirectory(prefix=".staging-", dir=out_dir) as staging:
        for split, index in splits.items():
            table = {name: values[index, column].tolist() for column, name in enumerate(FEATURES)}
            table["label"] = labels[index].tolist()
            Dataset.from_dict(table, features=features).to_parquet(str(Path(staging) / f"{split}.parquet"))
            rows[f"{split}.parquet"] = len(index)
        for name in rows:
            os.replace(Path(staging) / name, out_dir / name)
    # The examples before the manifest, which records their hashes (the demo Space ships them).
    write_examples(out_dir / "examples", values, labels, splits["test"])
    return write_manifest(
        out_dir, rows, source=SOURCE, seed=seed, labels=LABELS, features=FEATURES, command="make data"
    )


def example_json(row: np.ndarray) -> bytes:
    """One wine as a JSON object {measurement: value}, in FEATURES order."""
    return (json.dumps(dict(zip(FEATURES, row.tolist(), strict=True)), indent=2) + "\n").encode()


def write_examples(folder: Path, values: np.ndarray, labels: np.ndarray, candidates: np.ndarray) -> list[Path]:
    """One test-split wine per label as `<label>.json`: inputs for `make predict` and the demo."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for label in range(len(LABELS)):
        first = next(i for i in candidates if labels[i] == label)
        path = folder / f"{LABELS[label]}.json"
        atomic_write_bytes(path, example_json(values[first]))
        written.append(path)
    return written


def read_table(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Read a split file into float32 measurements (N, 13) in FEATURES order and int64 labels."""
    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        raise UserError(f"{path} is not a readable parquet file ({type(exc).__name__}); {REBUILD}") from None
    missing = [name for name in [*FEATURES, "label"] if name not in table.column_names]
    if missing:
        raise UserError(f"{path} lacks the column(s) {', '.join(missing)}; {REBUILD}")
    values = np.column_stack([table.column(name).to_numpy() for name in FEATURES]).astype(np.float32)
    return values, np.asarray(table.column("label").to_pylist(), dtype=np.int64)


def load_split(data_dir: str | Path, split: str) -> tuple[np.ndarray, np.ndarray, str]:
    """Measurements, labels and the file's sha256, after checking the file against the manifest."""
    if split not in SPLITS:
        raise UserError(f"unknown split {split!r}; choose one of {', '.join(SPLITS)}")
    path, checksum = verified_file(Path(data_dir), f"{split}.parquet")
    values, labels = read_table(path)
    return values, labels, checksum


def preprocess_row(example: Mapping[str, Any], features: Sequence[str] = FEATURES) -> np.ndarray:
    """{measurement: value} -> float32 (13,) in `features` order, raw units (the model standardises).

    Every measurement must be there, as a finite number; a name the model does not know is refused too,
    so a misspelt key is not silently ignored."""
    if not isinstance(example, Mapping):
        raise UserError(f"an input is a mapping {{measurement: value}}, not {type(example).__name__}")
    missing = [name for name in features if name not in example or example[name] is None]
    if missing:
        raise UserError(
            f"missing measurement(s): {', '.join(missing)}; give all {len(features)}: {', '.join(features)}"
        )
    unknown = [str(name) for name in example if name not in features]
    if unknown:
        raise UserError(f"unknown measurement(s): {', '.join(unknown)}; the model takes {', '.join(features)}")
    row = []
    for name in features:
        value = example[name]
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise UserError(f"{name} is {value!r}; give a number")
        if not math.isfinite(float(value)):
            raise UserError(f"{name} is {value}; give a finite number")
        row.append(float(value))
    return np.asarray(row, dtype=np.float32)


def open_example(path: str | Path) -> dict[str, float]:
    """Read a JSON file holding one wine as {measurement: value}, with a one-line error for anything else."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path} not found; pass an existing .json file or folder as INPUT=path")
    try:
        example = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise UserError(f"{path} is not valid JSON ({exc.__class__.__name__}); see data/examples/*.json") from None
    if not isinstance(example, dict):
        raise UserError(f"{path} holds a JSON {type(example).__name__}; give one object {{measurement: value}}")
    try:
        preprocess_row(example)  # the checks predict makes, here naming the file
    except UserError as exc:
        raise UserError(f"{path}: {exc}") from None
    return example


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description="Recreate the dataset from its public source as parquet splits.")
    parser.add_argument("--out", default="data", help="output directory (default: data)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="split seed (default: %(default)s)")
    args = parser.parse_args(argv)
    manifest = run(lambda: build_dataset(args.out, args.seed))
    for name, info in manifest["files"].items():
        print(f"{args.out}/{name}: {info['rows']} rows, sha256 {info['sha256'][:12]}")
    print(f"{args.out}/manifest.json: dataset checksum {manifest['checksum'][:12]}")
    print(f"{args.out}/examples/: one test wine per label, for `make predict INPUT={args.out}/examples`")
    return manifest


if __name__ == "__main__":
    main()
