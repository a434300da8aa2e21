# Template-owned (mlrelease-template): `make template-update` replaces this file; keep your changes in your own files.
"""The contract between your research package and the release tooling: `src/<package>/release_api.py`.

Staging, the release check, the demo Space, `make benchmark-demo` and `make verify-release` call only what that
module declares, never the rest of your package, so replacing the example means filling in one file:

  INPUT             what predict() takes per item and the demo collects: "image", "text" or "tabular"
  OUTPUT            what predict() answers per item: "label" ({class: probability}), "text" or "number"
  METRICS           {name in results/metrics.json: Metric(Hub metric id, label shown, args)}
  EXAMPLES          glob (from the project root) of the example inputs the demo Space ships
  CHECKPOINT_FILES  globs (inside a checkpoint folder) of the files that make up a checkpoint
  load_model(source, *, revision=None, cache_dir=None)  a checkpoint folder, or a Hub repository id at a revision
  read_split(path)  (inputs, targets) of one split file of the dataset
  score(model, inputs, targets)  {metric name: value}, one for every name in METRICS
  read_example(path)  one predict() input from an example file
  predict(model, inputs)  one output per input

Optional, read only by the tooling's own tests (tests/conftest.py), never by a release:

  TEST_TRAIN_ARGS   `make train ARGS=...` overrides for a quick run the tests can stage, e.g. "train.epochs=2"
                    (without it the tests train with the default configuration)

`todo(...)` marks a declaration still to write: it raises one clear message when called, and `make check-release`
lists every one left.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from .cli import UserError
from .files import select_files

MODULE = "release_api"
INPUT_KINDS = ("image", "text", "tabular")
OUTPUT_KINDS = ("label", "text", "number")
DECLARATIONS = {
    "INPUT": f"what predict() takes per item: one of {', '.join(INPUT_KINDS)}",
    "OUTPUT": f"what predict() answers per item: one of {', '.join(OUTPUT_KINDS)}",
    "METRICS": "a dict {metric name: Metric(hub_type, label)} naming every number score() returns",
    "EXAMPLES": "a glob of the example inputs the demo ships, e.g. data/examples/*.png",
    "CHECKPOINT_FILES": 'globs of the files of a checkpoint folder, e.g. ("*",) for all of them',
}
FUNCTIONS = {
    "load_model": "load_model(source, *, revision=None, cache_dir=None) -> model, from a folder or a Hub repo id",
    "read_split": "read_split(path) -> (inputs, targets) of one split file",
    "score": "score(model, inputs, targets) -> {metric name: value}",
    "read_example": "read_example(path) -> one predict() input from an example file",
    "predict": "predict(model, inputs) -> one output per input",
}
# Declarations the contract may leave out; only the tooling's tests read them.
OPTIONAL = {
    "TEST_TRAIN_ARGS": 'make train ARGS=... overrides for a quick training run in the tests, e.g. "train.epochs=2"',
}
# Which demo input a Hub pipeline tag implies; tags not listed here are not checked.
PIPELINE_INPUTS = {
    "image": ("image-", "object-detection", "depth-estimation", "zero-shot-image-classification"),
    "text": (
        "text-classification",
        "token-classification",
        "question-answering",
        "zero-shot-classification",
        "translation",
        "summarization",
        "feature-extraction",
        "text-generation",
        "fill-mask",
        "sentence-similarity",
        "text-ranking",
        "text-to-image",
        "text-to-speech",
        "text-to-audio",
    ),
    "tabular": ("tabular-",),
}


@dataclass(frozen=True)
class Metric:
    """How a number of results/metrics.json appears in the model-index: the Hub's metric id, the label the cards
    show, and the metric's arguments (e.g. {"average": "macro"})."""

    hub_type: str
    label: str
    args: dict[str, Any] | None = field(default=None)


def todo(name: str, what: str) -> Callable[..., Any]:
    """A function still to write: calling it raises one clear message, and `make check-release` lists it."""

    def stub(*args: Any, **kwargs: Any) -> Any:
        raise UserError(f"release_api.{name} is not written yet: {what}; fill it in in src/<package>/release_api.py")

    stub.__release_todo__ = what  # type: ignore[attr-defined]
    stub.__name__ = name
    return stub


def is_todo(value: Any) -> bool:
    return hasattr(value, "__release_todo__")


@dataclass
class Contract:
    """The research package's release_api module, checked and read the same way by every caller."""

    package: str
    module: ModuleType

    def __getattr__(self, name: str) -> Any:
        if name in FUNCTIONS or name in DECLARATIONS:
            value = getattr(self.module, name, None)
            if value is None or (is_todo(value) and name in DECLARATIONS):
                state = "missing" if value is None else "still a todo"
                raise UserError(f"{self.where}: {name} is {state}; declare {DECLARATIONS.get(name) or FUNCTIONS[name]}")
            return value
        raise AttributeError(name)

    @property
    def where(self) -> str:
        return f"src/{self.package}/{MODULE}.py"

    def problems(self) -> list[str]:
        """What is missing or still a todo(); empty when the contract is complete."""
        problems = []
        for name, what in {**DECLARATIONS, **FUNCTIONS}.items():
            value = getattr(self.module, name, None)
            if value is None:
                problems.append(f"{name} is missing ({what})")
            elif is_todo(value):
                problems.append(f"{name} is still a todo ({what})")
            elif name in FUNCTIONS and not callable(value):
                problems.append(f"{name} must be a function ({what})")
        declared = {name: getattr(self.module, name, None) for name in DECLARATIONS}
        if declared["INPUT"] is not None and not is_todo(declared["INPUT"]) and declared["INPUT"] not in INPUT_KINDS:
            problems.append(f"INPUT is {declared['INPUT']!r}; use one of {', '.join(INPUT_KINDS)}")
        if (
            declared["OUTPUT"] is not None
            and not is_todo(declared["OUTPUT"])
            and declared["OUTPUT"] not in OUTPUT_KINDS
        ):
            problems.append(f"OUTPUT is {declared['OUTPUT']!r}; use one of {', '.join(OUTPUT_KINDS)}")
        metrics = declared["METRICS"]
        if metrics is not None and not is_todo(metrics):
            if not isinstance(metrics, dict) or not metrics or not all(isinstance(m, Metric) for m in metrics.values()):
                problems.append("METRICS must be a non-empty dict {name: Metric(hub_type, label)}")
        for name in ("EXAMPLES",):
            if declared[name] is not None and not is_todo(declared[name]) and not isinstance(declared[name], str):
                problems.append(f"{name} must be a glob string such as data/examples/*.png")
        files = declared["CHECKPOINT_FILES"]
        if files is not None and not is_todo(files):
            if not isinstance(files, (list, tuple)) or not files or not all(isinstance(f, str) for f in files):
                problems.append('CHECKPOINT_FILES must be a list of globs such as ("*",)')
        quick = getattr(self.module, "TEST_TRAIN_ARGS", None)
        if quick is not None and not isinstance(quick, str):
            problems.append(f"TEST_TRAIN_ARGS must be a string ({OPTIONAL['TEST_TRAIN_ARGS']})")
        return problems

    def require_complete(self) -> None:
        problems = self.problems()
        if problems:
            raise UserError(f"{self.where} is not complete: {'; '.join(problems)}")

    # ---------------------------------------------------------------- what the tooling reads

    def metric(self, name: str) -> Metric:
        """How `name` appears on the Hub; a number the contract does not declare keeps its own name."""
        metrics = getattr(self.module, "METRICS", None)
        if isinstance(metrics, dict) and isinstance(metrics.get(name), Metric):
            return metrics[name]
        return Metric(name, name.replace("_", " ").title())

    def example_files(self, root: Path) -> list[Path]:
        pattern = getattr(self.module, "EXAMPLES", None)
        if not isinstance(pattern, str) or not pattern:
            return []
        return sorted(p for p in Path(root).glob(pattern) if p.is_file() or p.is_symlink())

    def checkpoint_files(self, folder: Path) -> dict[str, Path]:
        """Relative path -> file of every checkpoint file the contract's globs select (the card is rendered anew)."""
        return select_files(folder, getattr(self.module, "CHECKPOINT_FILES", None) or ("*",))


def load_contract(package: str) -> Contract:
    """`<package>.release_api`, imported; one line naming what is wrong when it cannot be."""
    try:
        module = importlib.import_module(f"{package}.{MODULE}")
    except ModuleNotFoundError as exc:
        if exc.name in (package, f"{package}.{MODULE}"):
            raise UserError(
                f"src/{package}/{MODULE}.py not found: it is the one file the release tooling calls "
                "(see the README, 'Replace the example'); restore it from git or write it"
            ) from None
        raise UserError(
            f"src/{package}/{MODULE}.py cannot be imported: {exc}; install what it needs (make setup)"
        ) from None
    except UserError:
        raise
    except Exception as exc:  # noqa: BLE001 - research code may raise anything at import
        raise UserError(f"src/{package}/{MODULE}.py fails at import: {type(exc).__name__}: {exc}") from None
    return Contract(package, module)


def pipeline_input(pipeline_tag: str) -> str | None:
    """The demo input kind a Hub pipeline tag implies, or None when the tag does not say."""
    for kind, prefixes in PIPELINE_INPUTS.items():
        if any(pipeline_tag == p or (p.endswith("-") and pipeline_tag.startswith(p)) for p in prefixes):
            return kind
    return None
