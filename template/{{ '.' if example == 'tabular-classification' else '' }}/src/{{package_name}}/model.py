"""Model: a small multilayer perceptron for the 13 wine measurements.

Yours to replace. Subclassing PyTorchModelHubMixin gives `save_pretrained` (model.safetensors and
config.json from the __init__ arguments) and `from_pretrained`, locally and from the Hub. The feature
names, class names and the training split's means and standard deviations are __init__ arguments, so
config.json carries them and the model standardises its raw inputs itself: nothing outside the
checkpoint is needed to use it.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from huggingface_hub import PyTorchModelHubMixin
from torch import nn


class WineClassifier(nn.Module, PyTorchModelHubMixin, tags=["tabular-classification"]):
    """Standardisation, `layers` hidden layers of `hidden` units (ReLU, dropout) and a linear head;
    input (N, len(features)) float32 in the measurements' own units, in `features` order."""

    def __init__(
        self,
        features: Sequence[str],
        labels: Sequence[str],
        mean: Sequence[float] | None = None,
        std: Sequence[float] | None = None,
        hidden: int = 32,
        layers: int = 2,
        dropout: float = 0.1,
    ) -> None:
        super().__init__()
        self.features = [str(name) for name in features]
        self.labels = [str(label) for label in labels]
        width = len(self.features)
        if width < 1 or len(self.labels) < 2:
            raise ValueError("give at least one feature and two labels")
        if len(set(self.features)) != width or len(set(self.labels)) != len(self.labels):
            raise ValueError("feature and label names must be unique")
        if not isinstance(hidden, int) or not isinstance(layers, int) or hidden < 1 or layers < 1:
            raise ValueError(f"hidden and layers must be positive integers (got {hidden!r}, {layers!r})")
        if not 0 <= dropout < 1:
            raise ValueError(f"dropout must be in [0, 1) (got {dropout!r})")
        mean = torch.zeros(width) if mean is None else torch.tensor(list(mean), dtype=torch.float32)
        std = torch.ones(width) if std is None else torch.tensor(list(std), dtype=torch.float32)
        if mean.shape != (width,) or std.shape != (width,):
            raise ValueError(f"mean and std need one value per feature ({width})")
        # config.json holds them (the __init__ arguments); kept out of the weights so there is one copy.
        self.register_buffer("mean", mean, persistent=False)
        self.register_buffer("std", torch.where(std > 0, std, torch.ones_like(std)), persistent=False)
        blocks: list[nn.Module] = []
        for i in range(layers):
            blocks += [nn.Linear(width if i == 0 else hidden, hidden), nn.ReLU(), nn.Dropout(dropout)]
        self.body = nn.Sequential(*blocks)
        self.head = nn.Linear(hidden, len(self.labels))

    def forward(self, values: torch.Tensor) -> torch.Tensor:
        """Logits (N, num_labels) for raw measurements (N, num_features)."""
        return self.head(self.body((values - self.mean) / self.std))


def feature_statistics(values: torch.Tensor) -> tuple[list[float], list[float]]:
    """Per-feature mean and standard deviation (population) of the training split, as config.json stores them
    (to 6 decimals: float32 inputs carry no more)."""
    values = values.double()
    mean, std = values.mean(0).tolist(), values.std(0, unbiased=False).tolist()
    return [round(m, 6) for m in mean], [round(s, 6) for s in std]


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
