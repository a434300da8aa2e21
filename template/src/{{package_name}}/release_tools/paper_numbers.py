# Template-owned (mlrelease-template): `make template-update` replaces this file; keep your changes in your own files.
"""`make paper-numbers`: the paper's numbers and release facts as LaTeX, written by the code, never by hand.

Writes into <paper>/generated/ (paper/ unless PAPER_DIR names another folder, e.g. an Overleaf checkout):
- results.tex: one `\\newcommand` per metric (results/metrics.json, formatted as release.yaml's `paper:` says) and
  per speed figure (results/benchmark.json), each with a comment naming its source file, the checkpoint's weights
  sha256 and the data checksum; `\\resultsTable` and `\\speedTable` draw both tables;
- release.tex: title, authors, version and the release's links, and `\\citeRelease`;
- release.bib: the project's BibTeX entry (the one README.md and the page show).
Each file is rewritten atomically; `make check-release` fails when one differs from what the results give now.
"""

from __future__ import annotations

import argparse
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .citation import bibtex, latex_escape
from .cli import UserError, run
from .files import atomic_write_text, read_json_object
from .release_file import Release
from .results import BENCHMARK_FILE, METRICS_FILE, Benchmark, Metrics

GENERATED = "generated"
NUMBERS_FILE = f"{GENERATED}/results.tex"
RELEASE_TEX = f"{GENERATED}/release.tex"
RELEASE_BIB = f"{GENERATED}/release.bib"
DIGITS = "Zero One Two Three Four Five Six Seven Eight Nine".split()
WRITE_AGAIN = "run `make paper-numbers`"


def paper_folder(root: Path = Path(".")) -> Path:
    """The paper's source folder: PAPER_DIR (relative to the project, or absolute), else paper/."""
    return Path(root) / (os.environ.get("PAPER_DIR", "").strip() or "paper")


def macro_word(name: str) -> str:
    """A name as LaTeX letters: `macro_f1` -> `MacroFOne` (command names hold letters only; digits are spelled)."""
    word = ""
    for chunk in re.findall(r"[A-Za-z]+|[0-9]", name):
        word += DIGITS[int(chunk)] if chunk.isdigit() else chunk[0].upper() + chunk[1:]
    return word


@dataclass(frozen=True)
class Macro:
    name: str  # without the backslash
    value: str
    source: str  # the comment: where the value comes from

    def line(self) -> str:
        return f"\\newcommand{{\\{self.name}}}{{{self.value}}}% {self.source}"


@dataclass(frozen=True)
class NumberInputs:
    """What the numbers are written from: release.yaml, the two results files and the data's checksum."""

    release: Release
    metrics: Metrics
    benchmark: Benchmark
    data_checksum: str

    @classmethod
    def load(cls, root: Path = Path("."), release: Release | None = None) -> NumberInputs:
        root = Path(root)
        manifest_file = root / "data" / "manifest.json"
        manifest = read_json_object(manifest_file, "run `make data`") if manifest_file.is_file() else {}
        return cls.of(release or Release.load(root), Metrics.load(root), Benchmark.load(root), manifest)

    @classmethod
    def of(cls, release: Release, metrics: Metrics, benchmark: Benchmark, manifest: dict[str, Any]) -> NumberInputs:
        """The data checksum is the evaluated split's (metrics.json), else the whole dataset's (data/manifest.json)."""
        checksum = metrics.data.get("data_checksum") or manifest.get("checksum")
        return cls(release, metrics, benchmark, str(checksum or "not recorded"))


def metric_macros(inputs: NumberInputs) -> list[Macro]:
    metrics, settings = inputs.metrics, inputs.release.paper
    weights = f"weights sha256 {metrics.checkpoint_sha256 or 'not recorded'} | data sha256 {inputs.data_checksum}"
    macros = []
    for name, value in metrics.values:
        shape = settings.format_for(name)
        kind = "percent" if shape.style == "percent" and 0 <= value <= 1 else "value"
        source = f"{METRICS_FILE} {name}={value!r} ({metrics.split_name} split, {kind}) | {weights}"
        macros.append(Macro(f"metric{macro_word(name)}", shape.text(value), source))
    return macros


def speed_macros(inputs: NumberInputs) -> list[Macro]:
    bench = inputs.benchmark
    weights = bench.data.get("checkpoint_sha256") or inputs.metrics.checkpoint_sha256 or "not recorded"
    where = f"on {bench.machine or bench.device}" if (bench.machine or bench.device) else ""
    source = f"{BENCHMARK_FILE} {where} | weights sha256 {weights} | data sha256 {inputs.data_checksum}"
    macros = []
    for row in bench.results:
        batch = f"Batch{macro_word(str(row.batch_size))}"
        macros += [
            Macro(f"latencyMs{batch}", f"{row.latency_ms_p50:.3f}", f"{source} | p50 ms, batch {row.batch_size}"),
            Macro(f"latencyPNinetyFiveMs{batch}", f"{row.latency_ms_p95:.3f}", f"{source} | p95 ms"),
            Macro(f"throughput{batch}", f"{row.throughput_per_s:.0f}", f"{source} | items/s"),
        ]
    macros += [
        Macro("modelParameters", f"{bench.parameters:,}".replace(",", "{,}"), f"{source} | parameters"),
        Macro("peakMemoryMb", f"{bench.peak_memory_mb:.1f}", f"{source} | peak memory MB, {bench.memory_measure}"),
    ]
    return macros


def results_table(inputs: NumberInputs, macros: list[Macro]) -> str:
    """\\resultsTable: one row per metric; percent values carry their sign here, the macros hold bare numbers."""
    rows = []
    for (name, value), macro in zip(inputs.metrics.values, macros, strict=True):
        shape = inputs.release.paper.format_for(name)
        sign = r"\,\%" if shape.style == "percent" and 0 <= value <= 1 else ""
        rows.append(f"{latex_escape(name)} & \\{macro.name}{sign} \\\\")
    head = f"metric & {latex_escape(inputs.metrics.split_name)} \\\\"
    return tabular("\\resultsTable", "lr", head, rows)


def speed_table(inputs: NumberInputs) -> str:
    rows = [
        f"{r.batch_size} & \\latencyMs{b} & \\latencyPNinetyFiveMs{b} & \\throughput{b} \\\\"
        for r in inputs.benchmark.results
        for b in [f"Batch{macro_word(str(r.batch_size))}"]
    ]
    return tabular("\\speedTable", "rrrr", r"batch & p50 ms & p95 ms & items/s \\", rows)


def tabular(name: str, columns: str, head: str, rows: list[str]) -> str:
    body = "\n".join(["\\begin{tabular}{" + columns + "}", "\\hline", head, "\\hline", *rows, "\\hline"])
    # the % keeps the line break out of the macro's text
    return "\\newcommand{" + name + "}{" + "%\n" + body + "\n\\end{tabular}}"


def numbers_text(inputs: NumberInputs) -> str:
    """paper/generated/results.tex: the same bytes for the same results and release.yaml (no dates)."""
    metrics = metric_macros(inputs)
    speed = speed_macros(inputs)
    names = [m.name for m in metrics + speed]
    clash = sorted({n for n in names if names.count(n) > 1})
    if clash:
        raise UserError(
            f"{METRICS_FILE}: metric names that differ only in punctuation or case give the same LaTeX macro "
            f"(\\{clash[0]}); rename one of them in your evaluation code and run `make eval`"
        )
    shapes = inputs.release.paper.metrics
    header = [
        f"% {NUMBERS_FILE}: written by `make paper-numbers` from {METRICS_FILE} and {BENCHMARK_FILE}.",
        "% Never edit it by hand: it is rewritten, and `make check-release` fails when it differs from the results.",
        f"% Metrics: {shapes.style}, {shapes.decimals} decimal{'' if shapes.decimals == 1 else 's'} (release.yaml,"
        " paper:); percent macros hold the number without the % sign.",
        "% Use: \\input{generated/results} in the preamble, then e.g. \\" + metrics[0].name + ", \\resultsTable.",
    ]
    lines = [*header, "", *(m.line() for m in metrics), "", *(m.line() for m in speed), ""]
    return "\n".join([*lines, results_table(inputs, metrics), "", speed_table(inputs)]) + "\n"


def url_text(url: str) -> str:
    """A URL inside a macro body: % and # would end or break the definition."""
    return url.replace("\\", "/").replace("%", r"\%").replace("#", r"\#")


def release_tex(release: Release) -> str:
    """paper/generated/release.tex: what the paper says about the release, from release.yaml."""
    links = {k: v for k, v in release.artifact_links.items() if v}
    lines = [
        f"% {RELEASE_TEX}: written by `make paper-numbers` from release.yaml; never edit it by hand.",
        "% \\url needs \\usepackage{url} (or hyperref) in the paper.",
        f"\\newcommand{{\\releaseTitle}}{{{latex_escape(release.title)}}}",
        f"\\newcommand{{\\releaseDescription}}{{{latex_escape(release.description)}}}",
        "\\newcommand{\\releaseAuthors}{" + " \\and ".join(latex_escape(a.name) for a in release.authors) + "}",
        f"\\newcommand{{\\releaseVersion}}{{{latex_escape(release.version)}}}",
        f"\\newcommand{{\\citeRelease}}{{\\cite{{{release.citation_key}}}}}",
        *(f"\\newcommand{{\\{kind}Url}}{{\\url{{{url_text(url)}}}}}" for kind, url in links.items()),
    ]
    return "\n".join(lines) + "\n"


def expected_files(inputs: NumberInputs) -> dict[str, str]:
    """Each generated file (relative to the paper folder) and the text the current inputs give it."""
    return {
        NUMBERS_FILE: numbers_text(inputs),
        RELEASE_TEX: release_tex(inputs.release),
        RELEASE_BIB: f"% {RELEASE_BIB}: written by `make paper-numbers` from release.yaml.\n{bibtex(inputs.release)}\n",
    }


def stale_files(paper: Path, inputs: NumberInputs) -> list[str]:
    """The generated files that are missing or differ from what the inputs give now."""
    stale = []
    for name, text in expected_files(inputs).items():
        path = paper / name
        if path.is_symlink() or not path.is_file() or path.read_text(encoding="utf-8", errors="replace") != text:
            stale.append(name)
    return stale


def write_numbers(paper: Path, inputs: NumberInputs) -> list[Path]:
    """Write every generated file (all are rendered before any is written); returns their paths."""
    if not paper.is_dir():
        raise UserError(f"{paper} is not a folder; create your paper there or set PAPER_DIR=<folder with your .tex>")
    generated = paper / GENERATED
    if generated.is_symlink() or (generated.exists() and not generated.is_dir()):
        raise UserError(f"{generated} must be a plain folder (it is a link or a file); delete it and run again")
    files = expected_files(inputs)
    written = []
    for name, text in files.items():
        if (paper / name).is_symlink():
            raise UserError(f"{paper / name} is a symbolic link; delete it, make paper-numbers writes the file")
        atomic_write_text(paper / name, text)
        written.append(paper / name)
    return written


def main(argv: list[str] | None = None) -> list[Path]:
    parser = argparse.ArgumentParser(description="Write the paper's numbers as LaTeX macros into <paper>/generated/.")
    parser.add_argument("--root", default=".", help="project root (default: current directory)")
    args = parser.parse_args(argv)
    root = Path(args.root)
    written = run(lambda: write_numbers(paper_folder(root), NumberInputs.load(root)))
    for path in written:
        print(f"wrote {path}")
    return written


if __name__ == "__main__":
    main()
