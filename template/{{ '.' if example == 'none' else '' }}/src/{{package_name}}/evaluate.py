"""Evaluation: `make eval` scores a checkpoint on the test split.

Yours to write: the make target runs this module. Until you replace this placeholder it stops with one line
saying what belongs here; the README's "Replace the example" has the order and what each step must keep.
"""

from __future__ import annotations

from .release_tools.cli import UserError, run

WHAT = (
    "write the evaluation here: score the checkpoint on the test split and write results/metrics.json with your "
    "metrics, the data checksum and **release_tools.checkpoint.checkpoint_fields(checkpoint, CHECKPOINT_FILES)"
)


def main() -> None:
    raise UserError(f'src/{__package__}/evaluate.py is a placeholder: {WHAT}; see the README, "Replace the example"')


if __name__ == "__main__":
    run(main)
