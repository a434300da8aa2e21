"""Training entry point: `make train` or `python -m <package>.train --config configs/default.yaml [key=value ...]`.

Built on Hugging Face Accelerate: the same script runs on a CPU, a GPU, or several of them with
`accelerate launch` / `torchrun`. The main process alone writes the checkpoint directory:
model.safetensors + config.json (PyTorchModelHubMixin), run.json (provenance), logs/ (TensorBoard).
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import torch
import torch.nn.functional as F
from accelerate import Accelerator, PartialState
from accelerate.utils import DataLoaderConfiguration, broadcast_object_list, set_seed
from torch.utils.data import DataLoader, TensorDataset
from tqdm.auto import tqdm

from .data import FEATURES, LABELS, load_split
from .evaluate import predict_logits
from .model import WineClassifier, count_parameters, feature_statistics
from .release_tools.cli import UserError, run
from .release_tools.config import load_config
from .release_tools.files import point_symlink
from .release_tools.manifest import read_manifest
from .release_tools.run_record import training_record, write_run_record

REQUIRED = {"run_name": str, "seed": int, "data_dir": str, "output_dir": str, "model": dict, "train": dict}


def check_config(config: dict) -> None:
    for key, kind in REQUIRED.items():
        if not isinstance(config.get(key), kind):
            raise UserError(f"config key {key!r} must be a {kind.__name__}; see configs/default.yaml")
    for key in ("epochs", "batch_size", "learning_rate", "weight_decay"):
        if not isinstance(config["train"].get(key), (int, float)) or config["train"][key] < 0:
            raise UserError(f"config key 'train.{key}' must be a non-negative number; see configs/default.yaml")
    if config["train"]["epochs"] < 1 or config["train"]["batch_size"] < 1:
        raise UserError("config keys 'train.epochs' and 'train.batch_size' must be at least 1")
    threads = config["train"].get("cpu_threads", 0)
    if not isinstance(threads, int) or isinstance(threads, bool) or threads < 0:
        raise UserError("config key 'train.cpu_threads' must be a whole number, 0 for torch's default")


@contextmanager
def cpu_threads(count: int) -> Iterator[None]:
    """torch's CPU threads per process set to `count` while training (0 leaves torch's default)."""
    previous = torch.get_num_threads()
    if count:
        torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def train(config: dict, *, config_path: str | None = None, progress: bool = True) -> dict:
    """Train a model as `config` says; returns the run summary (also saved as run.json)."""
    check_config(config)
    # A model this small gains nothing from several threads per operation: they only wait for each other, and
    # on a busy machine training gets several times slower (train.cpu_threads in the config).
    with cpu_threads(config["train"].get("cpu_threads", 0)):
        return _train(config, config_path, progress)


def _train(config: dict, config_path: str | None, progress: bool) -> dict:
    started = time.perf_counter()
    data_dir, settings = Path(config["data_dir"]), config["train"]
    train_x, train_y, _ = load_split(data_dir, "train")
    val_x, val_y, _ = load_split(data_dir, "validation")
    manifest = read_manifest(data_dir)

    # One run name for every process; the main process stages the run in a hidden directory.
    # Without a GPU, Accelerate only goes data-parallel over gloo when told to use the CPU.
    use_cpu = not torch.cuda.is_available()
    state = PartialState(cpu=use_cpu)
    stamp = [datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")]
    broadcast_object_list(stamp)
    run_name = f"{config['run_name']}-{stamp[0]}"
    output_dir = Path(config["output_dir"])
    final_dir = output_dir / run_name
    staging = output_dir / f".{run_name}.partial"
    accelerator = Accelerator(
        cpu=use_cpu,
        dataloader_config=DataLoaderConfiguration(use_seedable_sampler=True),
        log_with="tensorboard" if importlib.util.find_spec("tensorboard") else None,
        project_dir=str(staging),
    )
    set_seed(config["seed"])
    # The model standardises its inputs with the training split's statistics, kept in its config.json.
    mean, std = feature_statistics(torch.from_numpy(train_x))
    try:
        model = WineClassifier(features=FEATURES, labels=LABELS, mean=mean, std=std, **config["model"])
    except (TypeError, ValueError) as exc:
        raise UserError(
            f"config section 'model' does not fit WineClassifier: {exc}; see configs/default.yaml"
        ) from None
    optimizer = torch.optim.AdamW(
        model.parameters(), lr=settings["learning_rate"], weight_decay=settings["weight_decay"]
    )
    loader = DataLoader(
        TensorDataset(torch.from_numpy(train_x), torch.from_numpy(train_y)),
        batch_size=settings["batch_size"],
        shuffle=True,
        generator=torch.Generator().manual_seed(config["seed"]),
    )
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)
    if state.is_main_process:
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
    accelerator.wait_for_everyone()
    try:
        total_steps = settings["epochs"] * len(loader)
        scheduler = torch.optim.lr_scheduler.OneCycleLR(
            optimizer, max_lr=settings["learning_rate"], total_steps=total_steps
        )
        if accelerator.log_with:
            accelerator.init_trackers("logs")
            if accelerator.is_main_process:  # trackers live on the main process only
                # The config in this run's own folder: Accelerate's init_trackers(config=...) leaves torch's
                # add_hparams default, a second timestamp-named run that TensorBoard lists beside this one.
                tracker = accelerator.get_tracker("tensorboard", unwrap=True)
                tracker.add_hparams(_flat(config), {}, run_name=".")
        history = []
        bar = tqdm(
            range(settings["epochs"]),
            desc="train",
            unit="epoch",
            disable=not (progress and accelerator.is_local_main_process),
        )
        for epoch in bar:
            model.train()
            loss_sum = torch.zeros(2, device=accelerator.device)
            for values, labels in loader:
                loss = F.cross_entropy(model(values), labels)
                optimizer.zero_grad(set_to_none=True)
                accelerator.backward(loss)
                optimizer.step()
                scheduler.step()
                loss_sum += torch.stack(
                    [loss.detach() * len(labels), torch.tensor(float(len(labels)), device=loss.device)]
                )
            loss_sum = accelerator.reduce(loss_sum, reduction="sum")
            train_loss = (loss_sum[0] / loss_sum[1]).item()
            logits = predict_logits(accelerator.unwrap_model(model), val_x, device=accelerator.device)
            val_accuracy = float((logits.argmax(1) == val_y).mean())
            history.append({"epoch": epoch + 1, "train_loss": train_loss, "val_accuracy": val_accuracy})
            accelerator.log({"train/loss": train_loss, "val/accuracy": val_accuracy}, step=epoch + 1)
            bar.set_postfix(loss=f"{train_loss:.4f}", val_acc=f"{val_accuracy:.4f}")
        for tracker in accelerator.trackers:  # close the TensorBoard files before the run directory moves
            tracker.finish()
        accelerator.wait_for_everyone()

        # run.json: what this run did; the tooling adds the provenance (git commit, data checksums, hardware, ...).
        summary = training_record(
            run_name=run_name,
            checkpoint=final_dir,
            module=f"{__package__}.train",
            config=config,
            config_file=config_path,
            data_dir=data_dir,
            manifest=manifest,
            model={"class": type(accelerator.unwrap_model(model)).__name__, "parameters": count_parameters(model)},
            metrics={"train_loss": history[-1]["train_loss"], "val_accuracy": history[-1]["val_accuracy"]},
            history=history,
            distributed={"type": str(accelerator.distributed_type), "num_processes": accelerator.num_processes},
            started=started,
        )
        if accelerator.is_main_process:
            unwrapped = accelerator.unwrap_model(model)
            unwrapped.save_pretrained(staging)
            (staging / "README.md").unlink(missing_ok=True)  # the model card is rendered at release time
            write_run_record(staging, summary)
            staging.rename(final_dir)
            point_symlink(output_dir / "latest", run_name)
        accelerator.wait_for_everyone()
        accelerator.end_training()  # also ends the process group of a distributed run
    except BaseException:
        if accelerator.is_main_process:
            shutil.rmtree(staging, ignore_errors=True)
        raise
    return summary


def _flat(config: dict, prefix: str = "") -> dict:
    """TensorBoard hyper-parameters must be flat scalars."""
    flat = {}
    for key, value in config.items():
        if isinstance(value, dict):
            flat.update(_flat(value, f"{prefix}{key}."))
        elif isinstance(value, (int, float, str, bool)):
            flat[f"{prefix}{key}"] = value
    return flat


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description="Train a model from a YAML config.")
    parser.add_argument("--config", default="configs/default.yaml", help="YAML config (default: %(default)s)")
    parser.add_argument("overrides", nargs="*", metavar="key=value", help="override config values, e.g. train.epochs=5")
    args = parser.parse_args(argv)

    def go() -> dict:
        summary = train(load_config(args.config, args.overrides), config_path=args.config)
        if PartialState().is_main_process:
            print(
                f"checkpoint: {summary['checkpoint']} (val_accuracy {summary['metrics']['val_accuracy']:.4f}, {summary['wall_time_s']:.1f} s)"
            )
        return summary

    return run(go)


if __name__ == "__main__":
    main()
