# Template-owned (mlrelease-template): `make template-update` replaces this file; keep your changes in your own files.
"""README blocks between `<!-- release:NAME:start -->` and `<!-- release:NAME:end -->` markers.

The tooling owns what is between the markers; everything else in README.md is the researcher's.
"""

from __future__ import annotations

import re

from .citation import bibtex
from .cli import UserError
from .release_file import Release
from .results import Benchmark, Metrics
from .tables import results_table, speed_table

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


def links_block(release: Release) -> str:
    links, hub, arxiv = release.artifact_links, release.hub, release.arxiv_id
    paper = (
        f"[arXiv:{arxiv}]({links['paper']})" if arxiv else "not yet on arXiv (`make link-paper ARXIV=<id>` once it is)"
    )
    code = links["code"] or ""
    rows = [
        ("Paper", paper),
        ("Code", f"[{code.replace('https://', '')}]({code})"),
        ("Model", f"[{hub.model}]({links['model']})"),
        ("Dataset", f"[{hub.dataset}]({links['dataset']})"),
        ("Demo", f"[{hub.demo}]({links['demo']})"),
        ("Project page", f"[{hub.page}]({links['page']})"),
    ]
    return "| | |\n|---|---|\n" + "\n".join(f"| {name} | {value} |" for name, value in rows)


def results_block(metrics: Metrics) -> str:
    count = "?" if metrics.num_examples is None else metrics.num_examples
    return f"{results_table(metrics).markdown()}\n\nFrom `results/metrics.json` ({count} examples, checkpoint `{metrics.checkpoint}`)."


def speed_block(benchmark: Benchmark) -> str:
    return (
        f"{speed_table(benchmark).markdown()}\n\nOn {benchmark.machine} ({benchmark.device}), torch {benchmark.libraries.get('torch')}; "
        f"{benchmark.parameters:,} parameters, peak memory {benchmark.peak_memory_mb} MB ({benchmark.memory_measure}). "
        "From `results/benchmark.json`."
    )


def citation_block(release: Release) -> str:
    return f"```bibtex\n{bibtex(release)}\n```"


def render_readme(text: str, release: Release, metrics: Metrics | None, benchmark: Benchmark | None) -> str:
    text = replace_block(text, "links", links_block(release))
    if metrics is not None:
        text = replace_block(text, "results", results_block(metrics))
    if benchmark is not None:
        text = replace_block(text, "speed", speed_block(benchmark))
    return replace_block(text, "citation", citation_block(release))
