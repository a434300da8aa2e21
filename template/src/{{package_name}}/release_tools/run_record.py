# Template-owned (mlrelease-template): `make template-update` replaces this file; keep your changes in your own files.
"""run.json, the record of where a checkpoint came from: written here, for a training run (`training_record`, which
your train.py calls) or a checkpoint trained elsewhere (`imported_record`), and read back as a `RunRecord`.

The tooling fills in the provenance (git commit, command, data checksums, hardware, libraries, times); the model
card shows it and `make check-release` compares the recorded commit with HEAD. run.json is published with the
weights, so it holds no path of this machine beyond what the training config names.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .checkpoint import RUN_RECORD
from .files import atomic_write_json, read_json_object
from .provenance import command_line, git_state, hardware, library_versions


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def training_record(
    *,
    run_name: str,
    checkpoint: str | Path,
    module: str,
    config: dict[str, Any],
    config_file: str | None,
    data_dir: str | Path,
    manifest: Mapping[str, Any],
    model: dict[str, Any],
    metrics: dict[str, Any],
    history: list[dict[str, Any]],
    distributed: dict[str, Any],
    started: float,
) -> dict[str, Any]:
    """run.json of a training run: what the script says (the run, its config, the model, the final metrics and the
    history per epoch) and the provenance the tooling adds. `module` is the training module (`python -m` runs it),
    `manifest` data/manifest.json as read at the start, `started` the time.perf_counter() of the start."""
    return {
        "run_name": run_name,
        "checkpoint": str(checkpoint),
        "git": git_state(),
        "command": command_line(module),
        "config_file": config_file,
        "config": config,
        "data": {
            "dir": str(data_dir),
            "checksum": manifest["checksum"],
            "files": {name: info["sha256"] for name, info in manifest["files"].items()},
            "source": manifest.get("source"),
        },
        "model": model,
        "metrics": metrics,
        "history": history,
        "distributed": distributed,
        "hardware": hardware(),
        "libraries": library_versions(),
        "finished_at": now(),
        "wall_time_s": round(time.perf_counter() - started, 3),
    }


def imported_record(source: dict[str, Any], files: dict[str, str], root: Path) -> dict[str, Any]:
    """run.json of a checkpoint trained elsewhere: where it came from and each file's sha256, no training facts."""
    return {
        "origin": "external",
        "source": source,
        "files": files,
        "imported_at": now(),
        "git": git_state(root),
        "libraries": library_versions(),
    }


def write_run_record(checkpoint: str | Path, record: Mapping[str, Any]) -> Path:
    """Write `record` as the checkpoint folder's run.json (atomically)."""
    path = Path(checkpoint) / RUN_RECORD
    atomic_write_json(path, record)
    return path


@dataclass(frozen=True)
class RunRecord:
    """checkpoints/<run>/run.json as the tooling reads it: the recorded code commit and the training config."""

    git_commit: str | None
    config: Any  # the training config, as run.json holds it ({} when it has none)
    data: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def load(cls, checkpoint: Path) -> RunRecord:
        fix = "run `make train` (or `make import-checkpoint`) again: the checkpoint has no run record"
        return cls.from_data(read_json_object(Path(checkpoint) / RUN_RECORD, fix))

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> RunRecord:
        git = data.get("git")
        return cls(
            git_commit=git.get("commit") if isinstance(git, dict) else None,
            config=data.get("config", {}),
            data=dict(data),
        )

    def as_dict(self) -> dict[str, Any]:
        return self.data
