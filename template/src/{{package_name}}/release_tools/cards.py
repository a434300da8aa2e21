# Template-owned (mlrelease-template): `make template-update` replaces this file; keep your changes in your own files.
"""Model and dataset cards: metadata from typed huggingface_hub card data, prose from the researcher's templates."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import jinja2
import yaml
from huggingface_hub import CardData, DatasetCard, DatasetCardData, EvalResult, ModelCard, ModelCardData

from .citation import bibtex
from .cli import UserError
from .contract import load_contract
from .readme_blocks import speed_block
from .release_file import Release
from .results import Benchmark, Metrics
from .run_record import RunRecord
from .tables import results_table

MODEL_TEMPLATE = "cards/model_card.md.j2"
DATASET_TEMPLATE = "cards/dataset_card.md.j2"


def license_fields(release: Release, kind: str) -> dict[str, Any]:
    fields: dict[str, Any] = {"license": release.license.hub_id(kind)}
    custom = release.license.custom(kind)
    if custom:
        fields.update(license_name=custom[0], license_link=custom[1])
    return fields


def eval_results(release: Release, metrics: Metrics) -> list[EvalResult]:
    """model-index entries, one per number in results/metrics.json, named as release_api.METRICS says."""
    contract = load_contract(release.package)
    results = []
    for key, value in metrics.values:
        metric = contract.metric(key)
        metric_type, metric_name, metric_args = metric.hub_type, metric.label, metric.args
        results.append(
            EvalResult(
                task_type=release.model.pipeline_tag,
                dataset_type=release.hub.dataset,
                dataset_name=release.hub.dataset,
                dataset_split=metrics.split,
                dataset_revision=release.tag,
                metric_type=metric_type,
                metric_name=metric_name,
                metric_value=value,
                metric_args=metric_args,
            )
        )
    return results


# Keys of the Hub's model libraries (huggingface.js, model-libraries.ts) that research code commonly saves with: the
# model page shows the library and its usage snippet only for a known key. A PyTorchModelHubMixin model names none
# and carries MIXIN_TAGS, as the mixin's own cards do.
HUB_LIBRARIES = frozenset(
    "adapter-transformers allennlp asteroid diffusers espnet fairseq fastai flair keras mlx nemo open_clip paddlenlp "
    "peft pyannote-audio sentence-transformers setfit sklearn spacy span-marker speechbrain stable-baselines3 tf-keras "
    "timm transformers transformers.js ultralytics".split()
)
MIXIN_TAGS = frozenset({"model_hub_mixin", "pytorch_model_hub_mixin"})


def model_card_data(release: Release, metrics: Metrics) -> ModelCardData:
    model, dataset = release.model, release.hub.dataset
    return ModelCardData(
        model_name=release.title,
        pipeline_tag=model.pipeline_tag,
        library_name=model.library_name or None,
        language=list(model.language) or None,
        tags=list(model.tags) or None,
        datasets=[dataset, *(d for d in model.datasets if d != dataset)],
        base_model=model.base_model or None,
        eval_results=eval_results(release, metrics),
        **license_fields(release, "model"),
    )


def size_category(rows: int) -> str:
    for limit, label in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M")):
        if rows < limit:
            return label
    return "n>1M"


def dataset_card_data(
    release: Release, split_rows: dict[str, int], split_bytes: dict[str, int] | None = None
) -> DatasetCardData:
    """`split_rows` maps each staged split (name -> row count); its files are data/<split>.parquet. `split_bytes`:
    each split's uncompressed size."""
    sizes = split_bytes or {}
    splits = [{"name": s, "num_bytes": int(sizes.get(s, 0)), "num_examples": n} for s, n in split_rows.items()]
    return DatasetCardData(
        # What `datasets.load_dataset` must give (it verifies the row counts); make check-release loads the staged
        # folder and compares.
        dataset_info={"splits": splits, "dataset_size": sum(int(b) for b in sizes.values())},
        pretty_name=release.title,
        language=list(release.model.language) or None,
        task_categories=[release.model.pipeline_tag],
        size_categories=[size_category(sum(split_rows.values()))],
        configs=[
            {"config_name": "default", "data_files": [{"split": s, "path": f"data/{s}.parquet"} for s in split_rows]}
        ],
        **license_fields(release, "data"),
    )


def common_context(release: Release) -> dict[str, Any]:
    """What every card template may use; `release` is release.yaml as written (with any field the researcher added)."""
    return {
        "release": release.as_dict(),
        "title": release.title,
        "description": release.description,
        "links": release.artifact_links,
        "tag": release.tag,
        "package": release.package,
        "model_repo": release.hub.model,
        "dataset_repo": release.hub.dataset,
        "bibtex": bibtex(release),
        "model_license": release.license.label("model"),
        "data_license": release.license.label("data"),
    }


@contextmanager
def template_errors(name: str) -> Iterator[None]:
    """A mistake in a card template is one line naming the template, the line and what Jinja says."""
    try:
        yield
    except jinja2.TemplateSyntaxError as exc:
        raise UserError(f"{name} line {exc.lineno}: {exc.message}; fix the Jinja syntax there") from None
    except jinja2.UndefinedError as exc:
        raise UserError(f"{name}: {exc.message}; use only the fields the card template documents") from None
    except UnicodeDecodeError:
        raise UserError(f"{name} is not UTF-8 text; save it as UTF-8") from None


@functools.lru_cache(maxsize=8)
def _compiled(source: str) -> jinja2.Template:
    return jinja2.Template(source)


def card_text(data: CardData, template: Path, **context: Any) -> str:
    """What `ModelCard.from_template(data, template_path=template, **context)` renders (DatasetCard's likewise), the
    template compiled once per process: huggingface_hub compiles it on every call, and a check renders each card
    again to compare."""
    source = template.read_text(encoding="utf-8")
    return _compiled(source).render(card_data=data.to_yaml(), **{**data.to_dict(), **context})


def expected_splits(card: DatasetCard) -> dict[str, int]:
    """Split -> rows, as the dataset card's dataset_info states them."""
    info = getattr(card.data, "dataset_info", None) or {}
    return {str(s.get("name")): int(s.get("num_examples", -1)) for s in info.get("splits") or [] if isinstance(s, dict)}


def manifest_split_rows(manifest: dict[str, Any]) -> dict[str, int]:
    """Split -> rows from data/manifest.json (one parquet file per split), for prose such as "trained on N"."""
    files = manifest.get("files") if isinstance(manifest, dict) else None
    return {
        Path(name).stem: int(info["rows"])
        for name, info in (files or {}).items()
        if name.endswith(".parquet") and isinstance(info, dict) and isinstance(info.get("rows"), int)
    }


def render_model_card(
    root: Path,
    release: Release,
    metrics: Metrics,
    benchmark: Benchmark,
    run: RunRecord,
    manifest: dict[str, Any] | None = None,
) -> ModelCard:
    """The model card: the files' records go to the template as written (`metrics`, `benchmark`, `run`), with the
    results and speed tables drawn."""
    context = common_context(release)
    with template_errors(MODEL_TEMPLATE):
        text = card_text(
            model_card_data(release, metrics),
            root / MODEL_TEMPLATE,
            metrics=metrics.as_dict(),
            metric_rows=list(results_table(metrics).rows),
            benchmark=benchmark.as_dict(),
            speed_table=speed_block(benchmark),
            run=run.as_dict(),
            split_rows=manifest_split_rows(manifest or {}),
            config_yaml=yaml.safe_dump(run.config, sort_keys=False).strip(),
            **context,
        )
        return ModelCard(text)


def render_dataset_card(
    root: Path,
    release: Release,
    split_rows: dict[str, int],
    manifest: dict[str, Any],
    split_bytes: dict[str, int] | None = None,
) -> DatasetCard:
    with template_errors(DATASET_TEMPLATE):
        text = card_text(
            dataset_card_data(release, split_rows, split_bytes),
            root / DATASET_TEMPLATE,
            split_rows=split_rows,
            total_rows=sum(split_rows.values()),
            manifest=manifest,
            **common_context(release),
        )
        return DatasetCard(text)
