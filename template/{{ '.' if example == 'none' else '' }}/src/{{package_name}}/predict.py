"""Inference: `make predict INPUT=path` answers for an input file or a folder.

Yours to write: the make target runs this module. Until you replace this placeholder it stops with one line
saying what belongs here; the README's "Replace the example" has the order and what each step must keep.
"""

from __future__ import annotations

from .release_tools.cli import UserError, run

WHAT = (
    "write the inference script here: load the checkpoint and print the prediction for the input file or folder "
    "given as its argument (release_api.predict can call the same code)"
)


def main() -> None:
    raise UserError(f'src/{__package__}/predict.py is a placeholder: {WHAT}; see the README, "Replace the example"')


if __name__ == "__main__":
    run(main)
