"""Speed benchmark: `make benchmark` or `python -m <package>.benchmark [--checkpoint DIR]`.

Measures inference latency (p50, p95) at batch 1 and a larger batch, throughput, peak memory and
parameter count on this machine; writes results/benchmark.json and prints a table.
"""

from __future__ import annotations

import argparse
from datetime import datetime, timezone

import numpy as np
import torch

from .data import load_split
from .model import count_parameters
from .predict import load_model, weights_file
from .release_tools.benchmarking import peak_process_memory_mb, percentile, time_calls
from .release_tools.cli import UserError, run
from .release_tools.files import atomic_write_json, display_path
from .release_tools.provenance import hardware, library_versions
from .release_tools.results import Benchmark
from .release_tools.tables import speed_table


def benchmark(
    checkpoint: str = "checkpoints/latest",
    data_dir: str = "data",
    batch_sizes: tuple[int, ...] = (1, 64),
    warmup: int = 10,
    iterations: int = 100,
    output: str | None = "results/benchmark.json",
) -> dict:
    if not batch_sizes or min(batch_sizes) < 1 or warmup < 0 or iterations < 1:
        raise UserError("batch sizes and --iterations must be at least 1, --warmup at least 0")
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    model = load_model(checkpoint).to(device)
    pixels, _, _ = load_split(data_dir, "test")
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats()

    rows = []
    with torch.inference_mode():
        for batch_size in batch_sizes:
            index = np.arange(batch_size) % len(pixels)  # repeat test images if the batch is larger
            batch = torch.from_numpy(pixels[index]).to(device)
            seconds = time_calls(lambda batch=batch: model(batch), warmup=warmup, iterations=iterations, sync=sync)
            p50, p95 = percentile(seconds, 50), percentile(seconds, 95)
            rows.append(
                {
                    "batch_size": batch_size,
                    "latency_ms_p50": round(p50 * 1e3, 4),
                    "latency_ms_p95": round(p95 * 1e3, 4),
                    "throughput_per_s": round(batch_size / p50, 1),
                }
            )

    if device.type == "cuda":
        memory = {
            "peak_memory_mb": round(torch.cuda.max_memory_allocated() / 2**20, 1),
            "memory_measure": "CUDA max allocated",
        }
    else:
        memory = {"peak_memory_mb": round(peak_process_memory_mb(), 1), "memory_measure": "process peak RSS"}
    result = {
        "checkpoint": display_path(checkpoint),
        "checkpoint_sha256": weights_file(checkpoint)[1],
        "device": device.type,
        "parameters": count_parameters(model),
        "warmup": warmup,
        "iterations": iterations,
        "results": rows,
        **memory,
        "hardware": hardware(),
        "libraries": library_versions(),
        "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    if output is not None:
        atomic_write_json(output, result)
    return result


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description="Measure inference speed and memory; write results/benchmark.json.")
    parser.add_argument(
        "--checkpoint", default="checkpoints/latest", help="checkpoint directory (default: %(default)s)"
    )
    parser.add_argument("--data-dir", default="data", help="data directory (default: %(default)s)")
    parser.add_argument("--batch-sizes", default="1,64", help="comma-separated batch sizes (default: %(default)s)")
    parser.add_argument("--warmup", type=int, default=10, help="untimed calls per batch size (default: %(default)s)")
    parser.add_argument("--iterations", type=int, default=100, help="timed calls per batch size (default: %(default)s)")
    parser.add_argument("--output", default="results/benchmark.json", help="results file (default: %(default)s)")
    args = parser.parse_args(argv)

    def go() -> dict:
        try:
            sizes = tuple(int(s) for s in args.batch_sizes.split(","))
        except ValueError:
            raise UserError(f"--batch-sizes {args.batch_sizes!r} must be comma-separated integers, e.g. 1,64") from None
        return benchmark(args.checkpoint, args.data_dir, sizes, args.warmup, args.iterations, args.output)

    result = run(go)
    measured = Benchmark.from_data(result)
    print(speed_table(measured).markdown())  # the table the README and the model card show
    print(
        f"parameters {measured.parameters:,}; peak memory {measured.peak_memory_mb} MB ({measured.memory_measure}); "
        f"{measured.machine}; torch {measured.libraries.get('torch')}"
    )
    print(f"-> {args.output}")
    return result


if __name__ == "__main__":
    main()
