# Template-owned (mlrelease-template): `make template-update` replaces this file; keep your changes in your own files.
"""What a user of the release would run, in a fresh Python process: `python probe.py ...`, copied beside nothing.

The caller (release_tools.behaviour) starts it with the staged or downloaded demo Space folder as the only
code on PYTHONPATH, the Hub offline and an empty cache, so it sees exactly what will be (or was) published.
It prints one JSON object on its last line of output; the caller compares it with what the cards state.

  model:   through the research package's release_api (the contract): load the model folder, re-run the
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


def answer_of(output: Any, kind: str) -> Any:
    """What a user reads off one prediction, comparable across processes: the top label, the text, the number."""
    if kind == "label" and isinstance(output, dict) and output:
        return str(max(output.items(), key=lambda item: float(item[1]))[0])
    if kind == "number":
        return float(output)
    return output if isinstance(output, (str, int, float, bool)) or output is None else str(output)


def demo_args(example: Path) -> list[Any]:
    """The demo's `/predict` arguments for an example file, from the Space's own ui.py (files as {"file": path})."""
    import importlib

    ui = importlib.import_module("ui")
    return [{"file": str(v)} if isinstance(v, Path) else v for v in ui.example_values(example)]


def model_probe(
    package: str, model_dir: Path, split_file: Path | None, examples: list[Path], demo_example: Path | None = None
) -> dict[str, Any]:
    import importlib

    load_contract = importlib.import_module(f"{package}.release_tools.contract").load_contract

    demo: dict[str, Any] = {}
    if demo_example is not None:  # the demo's input values need no model: the demo check runs even if it fails
        try:
            demo["demo_args"] = demo_args(demo_example)
        except BaseException as exc:  # noqa: BLE001
            demo["error"] = one_line(exc)
    try:
        contract = load_contract(package)
        model = contract.load_model(model_dir)
    except BaseException as exc:  # noqa: BLE001 - whatever the research code raises is the answer
        found = {"loaded": False, "error": one_line(exc), "package_file": package_file(package)}
        return {**found, **({"demo_args": demo["demo_args"]} if "demo_args" in demo else {})}
    result: dict[str, Any] = {"loaded": True, "package_file": package_file(package), **demo}
    try:
        if split_file is not None:
            inputs, targets = contract.read_split(split_file)
            result["metrics"] = {k: float(v) for k, v in contract.score(model, inputs, targets).items()}
            result["num_examples"] = len(targets)
        if examples:
            outputs = contract.predict(model, [contract.read_example(p) for p in examples])
            answers = [answer_of(output, contract.OUTPUT) for output in outputs]
            result["predictions"] = dict(zip((p.name for p in examples), answers, strict=True))
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
    model.add_argument("--demo-example", type=Path)
    dataset = sub.add_parser("dataset")
    dataset.add_argument("--dataset", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.kind == "model":
        result = model_probe(args.package, args.model, args.split_file, args.examples, args.demo_example)
    else:
        result = dataset_probe(args.dataset)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
