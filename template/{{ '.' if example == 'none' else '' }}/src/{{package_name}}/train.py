"""Training: `make train` trains a model from configs/default.yaml (`key=value` overrides).

Yours to write: the make target runs this module. Until you replace this placeholder it stops with one line
saying what belongs here; the README's "Replace the example" has the order and what each step must keep.
"""

from __future__ import annotations

from .release_tools.cli import UserError, run

WHAT = (
    "write the training script here: read the config (release_tools.config.load_config), train, and save the "
    "checkpoint folder with save_pretrained into checkpoints/<run>/ with its run.json (release_tools.run_record: "
    "write_run_record(folder, training_record(...))), then point checkpoints/latest at it"
)


def main() -> None:
    raise UserError(f'src/{__package__}/train.py is a placeholder: {WHAT}; see the README, "Replace the example"')


if __name__ == "__main__":
    run(main)
