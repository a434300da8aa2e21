"""Speed benchmark: `make benchmark` measures inference latency, throughput and memory.

Yours to write: the make target runs this module. Until you replace this placeholder it stops with one line
saying what belongs here; the README's "Replace the example" has the order and what each step must keep.
"""

from __future__ import annotations

from .release_tools.cli import UserError, run

WHAT = (
    "write the speed benchmark here: time the model at batch 1 and a larger batch (release_tools.benchmarking) and "
    "write results/benchmark.json with results, device, parameters, peak_memory_mb, memory_measure, hardware, libraries"
)


def main() -> None:
    raise UserError(f'src/{__package__}/benchmark.py is a placeholder: {WHAT}; see the README, "Replace the example"')


if __name__ == "__main__":
    run(main)
