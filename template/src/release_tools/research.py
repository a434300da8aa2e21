"""The research package's functions that the release machinery calls, in one place.

`make check-release` (in fresh processes, on the staged release), `make verify-release` (on the downloaded
release) and the demo Space use only these: load a model from a folder or a Hub revision, read a data split,
score a model on it, and predict files such as the demo's examples.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .cli import UserError


@dataclass(frozen=True)
class Research:
    package: str

    def _function(self, module: str, name: str) -> Any:
        try:
            return getattr(importlib.import_module(f"{self.package}.{module}"), name)
        except (ImportError, AttributeError) as exc:
            raise UserError(
                f"the research package has no {self.package}.{module}.{name} ({type(exc).__name__}: {exc}); "
                "the release machinery calls it, so keep it (with its signature) when you replace the example"
            ) from None

    def load_model(self, source: str | Path, *, revision: str | None = None, cache_dir: str | None = None) -> Any:
        """A checkpoint folder, or a Hub repository id at `revision`."""
        return self._function("predict", "load_model")(source, revision=revision, cache_dir=cache_dir)

    def read_split(self, path: Path) -> tuple[Any, Any]:
        """(inputs, labels) of one split file."""
        return self._function("data", "read_images")(path)

    def score(self, model: Any, inputs: Any, labels: Any) -> dict[str, float]:
        """{metric name: value}, the numbers results/metrics.json reports."""
        return self._function("evaluate", "score")(model, inputs, labels)

    def predict_labels(self, model: Any, files: list[Path]) -> list[str]:
        """The predicted label of each input file (the demo's examples)."""
        return [str(result["label"]) for result in self._function("predict", "predict")(files, model)]
