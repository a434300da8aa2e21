"""Data recipe: `make data` rebuilds the dataset from its public source.

Yours to write: the make target runs this module. Until you replace this placeholder it stops with one line
saying what belongs here; the README's "Replace the example" has the order and what each step must keep.
"""

from __future__ import annotations

from .release_tools.cli import UserError, run

WHAT = (
    "write the data recipe here: rebuild the dataset from its public source into data/ as parquet splits "
    "(one file per split) and finish with release_tools.manifest.write_manifest (data/manifest.json, the examples)"
)


def main() -> None:
    raise UserError(f'src/{__package__}/data.py is a placeholder: {WHAT}; see the README, "Replace the example"')


if __name__ == "__main__":
    run(main)
