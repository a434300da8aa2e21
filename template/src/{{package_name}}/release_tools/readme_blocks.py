# Template-owned (mlrelease-template): `make template-update` replaces this file; keep your changes in your own files.
"""README blocks between `<!-- release:NAME:start -->` and `<!-- release:NAME:end -->` markers.

The tooling owns what is between the markers; everything else in README.md is the researcher's.
"""

from __future__ import annotations

import re
from typing import Any

from .benchmarking import format_table
from .citation import bibtex
from .cli import UserError
from .release_file import release_links

BLOCKS = ("links", "results", "speed", "citation")


def marker(name: str, end: str) -> str:
    return f"<!-- release:{name}:{end} -->"


def replace_block(text: str, name: str, content: str, *, file: str = "README.md") -> str:
    pattern = re.compile(re.escape(marker(name, "start")) + r"\n.*?" + re.escape(marker(name, "end")), re.S)
    if len(pattern.findall(text)) != 1:
        raise UserError(
            f"{file}: expected one pair of {marker(name, 'start')} ... {marker(name, 'end')} markers; restore them around the {name} section"
        )
    return pattern.sub(lambda _: f"{marker(name, 'start')}\n{content.rstrip()}\n{marker(name, 'end')}", text)


def read_block(text: str, name: str) -> str | None:
    found = re.search(re.escape(marker(name, "start")) + r"\n(.*?)" + re.escape(marker(name, "end")), text, re.S)
    return found.group(1) if found else None


def links_block(release: dict[str, Any]) -> str:
    links, hub, arxiv = release_links(release), release["hub"], release.get("arxiv_id")
    paper = (
        f"[arXiv:{arxiv}]({links['paper']})" if arxiv else "not yet on arXiv (`make link-paper ARXIV=<id>` once it is)"
    )
    code = links["code"] or ""
    rows = [
        ("Paper", paper),
        ("Code", f"[{code.replace('https://', '')}]({code})"),
        ("Model", f"[{hub['model']}]({links['model']})"),
        ("Dataset", f"[{hub['dataset']}]({links['dataset']})"),
        ("Demo", f"[{hub['demo']}]({links['demo']})"),
        ("Project page", f"[{hub['page']}]({links['page']})"),
    ]
    return "| | |\n|---|---|\n" + "\n".join(f"| {name} | {value} |" for name, value in rows)


def metric_rows(metrics: dict[str, Any]) -> list[tuple[str, float]]:
    """The numbers of results/metrics.json, in file order: every numeric field but counts."""
    return [
        (k, v)
        for k, v in metrics.items()
        if isinstance(v, (int, float)) and not isinstance(v, bool) and not k.startswith("num_")
    ]


def results_block(metrics: dict[str, Any]) -> str:
    rows = [[name, f"{value:.4f}"] for name, value in metric_rows(metrics)]
    table = format_table(["metric", metrics.get("split", "test")], rows)
    return f"{table}\n\nFrom `results/metrics.json` ({metrics.get('num_examples', '?')} examples, checkpoint `{metrics.get('checkpoint')}`)."


def speed_block(benchmark: dict[str, Any]) -> str:
    rows = [
        [r["batch_size"], f"{r['latency_ms_p50']:.3f}", f"{r['latency_ms_p95']:.3f}", f"{r['throughput_per_s']:.0f}"]
        for r in benchmark["results"]
    ]
    table = format_table(["batch", "p50 ms", "p95 ms", "items/s"], rows)
    hardware = benchmark["hardware"].get("gpu") or benchmark["hardware"].get("cpu")
    return (
        f"{table}\n\nOn {hardware} ({benchmark['device']}), torch {benchmark['libraries'].get('torch')}; "
        f"{benchmark['parameters']:,} parameters, peak memory {benchmark['peak_memory_mb']} MB ({benchmark['memory_measure']}). "
        "From `results/benchmark.json`."
    )


def citation_block(release: dict[str, Any]) -> str:
    return f"```bibtex\n{bibtex(release)}\n```"


def render_readme(
    text: str, release: dict[str, Any], metrics: dict[str, Any] | None, benchmark: dict[str, Any] | None
) -> str:
    text = replace_block(text, "links", links_block(release))
    if metrics is not None:
        text = replace_block(text, "results", results_block(metrics))
    if benchmark is not None:
        text = replace_block(text, "speed", speed_block(benchmark))
    return replace_block(text, "citation", citation_block(release))
