"""What a user of the release would run, in a fresh Python process: `python -m release_tools.probe ...`.

The caller (release_tools.behaviour) starts it with the staged or downloaded demo Space folder as the only
code on PYTHONPATH, the Hub offline and an empty cache, so it sees exactly what will be (or was) published.
It prints one JSON object on its last line of output; the caller compares it with what the cards state.

  model:   load the model folder with the research package's load_model (from_pretrained), re-run the
           evaluation on a split file, and predict the example files
  dataset: datasets.load_dataset on the dataset folder, as a user of the dataset repository would
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
from pathlib import Path
from typing import Any


def one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}"[:500]


def package_file(package: str) -> str | None:
    """Where the research package was imported from: the caller checks it is the staged copy."""
    module = sys.modules.get(package)
    return str(Path(module.__file__).resolve()) if module is not None and module.__file__ else None


def model_probe(package: str, model_dir: Path, split_file: Path | None, examples: list[Path]) -> dict[str, Any]:
    from release_tools.research import Research

    research = Research(package)
    try:
        model = research.load_model(model_dir)
    except BaseException as exc:  # noqa: BLE001 - whatever the research code raises is the answer
        return {"loaded": False, "error": one_line(exc), "package_file": package_file(package)}
    result: dict[str, Any] = {"loaded": True, "package_file": package_file(package)}
    try:
        if split_file is not None:
            inputs, labels = research.read_split(split_file)
            result["metrics"] = {k: float(v) for k, v in research.score(model, inputs, labels).items()}
            result["num_examples"] = len(labels)
        if examples:
            result["predictions"] = dict(
                zip((p.name for p in examples), research.predict_labels(model, examples), strict=True)
            )
    except BaseException as exc:  # noqa: BLE001
        result["error"] = one_line(exc)
    return result


def dataset_probe(dataset_dir: Path) -> dict[str, Any]:
    try:
        import datasets

        datasets.disable_progress_bars()
        with contextlib.redirect_stdout(io.StringIO()):
            loaded = datasets.load_dataset(str(dataset_dir))
    except BaseException as exc:  # noqa: BLE001
        return {"loaded": False, "error": one_line(exc)}
    return {"loaded": True, "splits": {name: int(split.num_rows) for name, split in loaded.items()}}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="kind", required=True)
    model = sub.add_parser("model")
    model.add_argument("--package", required=True)
    model.add_argument("--model", type=Path, required=True)
    model.add_argument("--split-file", type=Path)
    model.add_argument("--examples", type=Path, nargs="*", default=[])
    dataset = sub.add_parser("dataset")
    dataset.add_argument("--dataset", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.kind == "model":
        result = model_probe(args.package, args.model, args.split_file, args.examples)
    else:
        result = dataset_probe(args.dataset)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
