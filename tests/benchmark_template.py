"""Figures for the template's performance goals, measured on this machine; prints a table.

    make benchmark            (or: .venv/bin/python tests/benchmark_template.py [--runs N])

Generates a default project, then times `make data`, `make train` (default config, N runs),
`make eval` (test accuracy and macro-F1) and the generated project's `make test`.
Goals: test accuracy >= 0.97, `make train` <= 15 s and the project's `make test` <= 60 s on 2 CPU cores.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from conftest import SHARED_ENV, make, render  # noqa: E402


def timed_make(project: Path, target: str) -> float:
    start = time.perf_counter()
    done = make(project, target)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"make {target} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="training runs to time (default: %(default)s)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = render(Path(tmp) / "project", {})
        rows = [("make data", timed_make(project, "data"), "")]
        train_times = [timed_make(project, "train") for _ in range(args.runs)]
        rows.append(
            (
                f"make train (median of {args.runs})",
                statistics.median(train_times),
                "runs: " + ", ".join(f"{t:.1f}" for t in train_times),
            )
        )
        rows.append(("make eval", timed_make(project, "eval"), ""))
        metrics = json.loads((project / "results" / "metrics.json").read_text())
        rows.append(("make test (generated project)", timed_make(project, "test"), ""))

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    print(f"machine: {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, env {SHARED_ENV}")
    print(
        f"test accuracy {metrics['accuracy']:.4f}, macro-F1 {metrics['macro_f1']:.4f} on {metrics['num_examples']} images (goal: accuracy >= 0.97)"
    )
    print("| step | seconds | notes |\n|---|---|---|")
    for name, seconds, notes in rows:
        print(f"| {name} | {seconds:.1f} | {notes} |")
    print("goals: make train <= 15 s, generated make test <= 60 s")


if __name__ == "__main__":
    main()
