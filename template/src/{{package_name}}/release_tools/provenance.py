# Template-owned (mlrelease-template): `make template-update` replaces this file; keep your changes in your own files.
"""What a run records about where it came from: code commit, libraries, hardware."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import sys
from pathlib import Path

from .gitrepo import tree_state

LIBRARIES = ("torch", "accelerate", "huggingface_hub", "safetensors", "numpy", "datasets", "scikit-learn")


def git_state(cwd: str | Path = ".") -> dict:
    """Commit and dirty flag of the working tree (see gitrepo.TreeState), or nulls outside a git repository."""
    state = tree_state(cwd)
    return {"commit": None, "dirty": None} if state.commit is None else state.as_record()


def library_versions(names: tuple[str, ...] = LIBRARIES) -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in names:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return versions


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def hardware() -> dict:
    import torch

    info = {
        "platform": f"{platform.system()} {platform.machine()}",
        "cpu": cpu_model(),
        "cpu_count": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
    }
    if torch.cuda.is_available():
        info["gpu"] = torch.cuda.get_device_name(0)
        info["gpu_count"] = torch.cuda.device_count()
    return info


def command_line(module: str) -> str:
    """How the run was started, as `python -m <module> <args>` (no machine-specific paths)."""
    return " ".join(["python", "-m", module, *sys.argv[1:]])
