"""Figures for the template's performance goals, measured on this machine; prints a table.

    make benchmark            (or: .venv/bin/python tests/benchmark_template.py [--runs N])

Generates a default project, then times `make data`, `make train` (default config, N runs),
`make eval` (test accuracy and macro-F1) and the generated project's `make test`.
Goals: test accuracy >= 0.97, `make train` <= 15 s and the project's `make test` <= 60 s on 2 CPU cores.

Publishing, against the loopback Hub of the tests (tests/hub_server.py): `make publish` (staging, checks, the
four repositories, collection, release record, tags) against plain `hf upload` of the same four staged folders,
each on a fresh server, median of N; and the bytes an unchanged re-publish sends.
Goals: publish / hf upload <= 1.3; unchanged re-publish 0 bytes, 0 commits.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from helpers import SHARED_ENV, make, render  # noqa: E402
from hub_server import HubServer  # noqa: E402

STAGED = {
    "dataset": ("dataset", "-data"),
    "model": ("model", ""),
    "space": ("space", "-demo"),
    "page": ("space", "-page"),
}


def timed_make(project: Path, target: str) -> float:
    start = time.perf_counter()
    done = make(project, target)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"make {target} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return seconds


def hub_env(hub: HubServer, tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HF_") and k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    return {
        **env,
        "HF_ENDPOINT": hub.url,
        "HF_HUB_DISABLE_XET": "1",
        "HF_TOKEN": hub.token,
        "HF_HOME": str(tmp / "hf-home"),
        "HF_HUB_DISABLE_PROGRESS_BARS": "1",
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "NO_PROXY": "127.0.0.1",
    }


def run_timed(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return seconds


def publish_figures(project: Path, runs: int) -> list[tuple[str, float, str]]:
    """make publish vs plain `hf upload` of the same staged folders, each on a fresh loopback Hub."""
    git_env = {
        "GIT_AUTHOR_NAME": "b",
        "GIT_AUTHOR_EMAIL": "b@example.org",
        "GIT_COMMITTER_NAME": "b",
        "GIT_COMMITTER_EMAIL": "b@example.org",
    }
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "benchmark"]):
        subprocess.run(["git", *args], cwd=project, check=True, env={**os.environ, **git_env})
    # The release check a researcher runs before publishing; it leaves its behaviour results in build/.checks/,
    # so the timed publishes below re-check the unchanged release from that cache.
    timed_make(project, "stage")
    check = timed_make(project, "check-release")
    hf = str(Path(sys.executable).parent / "hf")
    publish_times, upload_times, rerun = [], [], None
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp, HubServer(user="your-hf-username") as hub:
            env = hub_env(hub, Path(tmp))
            publish_times.append(run_timed(["make", "publish", f"VENV={SHARED_ENV}"], project, env))
            hub.reset_stats()
            run_timed(["make", "publish", f"VENV={SHARED_ENV}"], project, env)
            rerun = (hub.stats.bytes_received, hub.stats.total_commits)
        with tempfile.TemporaryDirectory() as tmp, HubServer(user="your-hf-username") as hub:
            env = hub_env(hub, Path(tmp))
            upload = 0.0
            for folder, (repo_type, suffix) in STAGED.items():
                repo = f"your-hf-username/small-cnn-for-handwritten-digits{suffix}"
                if repo_type == "space":  # `hf upload` cannot choose a Space's sdk: created beforehand, not timed
                    sdk = "static" if folder == "page" else "gradio"
                    code = f"from huggingface_hub import HfApi; HfApi().create_repo({repo!r}, repo_type='space', space_sdk={sdk!r}, private=True)"
                    run_timed([sys.executable, "-c", code], project, env)
                command = [
                    hf,
                    "upload",
                    repo,
                    f"build/release/{folder}",
                    ".",
                    "--repo-type",
                    repo_type,
                    "--private",
                    "-q",
                ]
                upload += run_timed(command, project, env)
            upload_times.append(upload)
    publish, upload = statistics.median(publish_times), statistics.median(upload_times)
    return [
        ("make check-release (4 behaviour checks in fresh processes)", check, "once, before publishing"),
        (
            f"make publish, new repos (median of {runs})",
            publish,
            "runs: " + ", ".join(f"{t:.1f}" for t in publish_times),
        ),
        (
            f"hf upload of the 4 folders (median of {runs})",
            upload,
            "runs: " + ", ".join(f"{t:.1f}" for t in upload_times),
        ),
        ("publish / hf upload", publish / upload, "goal <= 1.3"),
        ("unchanged re-publish: bytes sent", float(rerun[0]), f"commits: {rerun[1]} (goal 0 and 0)"),
    ]


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
        timed_make(project, "benchmark")
        rows += publish_figures(project, args.runs)

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
        print(f"| {name} | {seconds:.2f} | {notes} |")
    print("goals: make train <= 15 s, generated make test <= 60 s, publish / hf upload <= 1.3, re-publish 0 bytes")


if __name__ == "__main__":
    main()
