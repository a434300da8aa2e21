"""What a run records about where it came from: code commit, libraries, hardware."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import subprocess
import sys
from pathlib import Path

LIBRARIES = ("torch", "accelerate", "huggingface_hub", "safetensors", "numpy", "datasets", "scikit-learn")


def _git(cwd: str | Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def head_commit(cwd: str | Path = ".") -> str | None:
    """The checked-out commit, or None outside a git repository (or before its first commit)."""
    out = _git(cwd, "rev-parse", "HEAD")
    return out.strip() if out else None


def changed_files(cwd: str | Path = ".", exclude: tuple[str, ...] = ()) -> list[str]:
    """Tracked files with uncommitted changes, leaving out the `exclude` paths."""
    pathspecs = [f":(exclude){path}" for path in exclude]
    status = _git(cwd, "status", "--porcelain", "--untracked-files=no", "--", ".", *pathspecs)
    return [line[3:] for line in (status or "").splitlines() if line]


def git_state(cwd: str | Path = ".") -> dict:
    """Commit and dirty flag of the working tree, or nulls outside a git repository."""
    commit = head_commit(cwd)
    if commit is None:
        return {"commit": None, "dirty": None}
    return {"commit": commit, "dirty": bool(changed_files(cwd))}


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
