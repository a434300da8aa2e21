# Template-owned (mlrelease-template): `make template-update` replaces this file; keep your changes in your own files.
"""The results and speed tables, each drawn once as headers and rows of text: the README blocks and the model card
show them as Markdown, `make benchmark` prints the speed table."""

from __future__ import annotations

from dataclasses import dataclass

from .benchmarking import format_table
from .results import Benchmark, Metrics


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def markdown(self) -> str:
        return format_table(list(self.headers), [list(row) for row in self.rows])


def results_table(metrics: Metrics) -> Table:
    """One row per metric of results/metrics.json, to four decimals, headed by the split."""
    return Table(("metric", metrics.split_name), tuple((name, f"{value:.4f}") for name, value in metrics.values))


def speed_table(benchmark: Benchmark) -> Table:
    """One row per batch size of results/benchmark.json: latency p50 and p95 in ms, and items per second."""
    rows = tuple(
        (str(r.batch_size), f"{r.latency_ms_p50:.3f}", f"{r.latency_ms_p95:.3f}", f"{r.throughput_per_s:.0f}")
        for r in benchmark.results
    )
    return Table(("batch", "p50 ms", "p95 ms", "items/s"), rows)
