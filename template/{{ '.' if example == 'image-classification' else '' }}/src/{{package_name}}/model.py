"""Model: a small convolutional network for 8x8 digit images.

Yours to replace. Subclassing PyTorchModelHubMixin gives `save_pretrained` (model.safetensors and
config.json from the __init__ arguments) and `from_pretrained`, locally and from the Hub.
"""

from __future__ import annotations

import torch
from huggingface_hub import PyTorchModelHubMixin
from torch import nn


class DigitClassifier(nn.Module, PyTorchModelHubMixin, tags=["image-classification"]):
    """Two 3x3 convolutions, max-pooling and a two-layer head; input (N, 1, 8, 8) in [0, 1]."""

    def __init__(
        self,
        labels: list[str] | None = None,
        image_size: int = 8,
        channels: int = 32,
        hidden: int = 128,
        dropout: float = 0.1,
    ) -> None:
        super().__init__()
        self.labels = list(labels or [str(i) for i in range(10)])
        self.image_size = image_size
        pooled = image_size // 2
        self.features = nn.Sequential(
            nn.Conv2d(1, channels, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.Conv2d(channels, channels * 2, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
        )
        self.head = nn.Sequential(
            nn.Flatten(),
            nn.Dropout(dropout),
            nn.Linear(channels * 2 * pooled * pooled, hidden),
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(hidden, len(self.labels)),
        )

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        """Logits (N, num_labels)."""
        return self.head(self.features(pixels))


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
