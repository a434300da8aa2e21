# Template-owned (mlrelease-template): `make template-update` replaces this file; keep your changes in your own files.
"""The release checklist's paper items, shown when the paper folder (paper/, or PAPER_DIR) exists: it holds no links
or absolute paths, its generated numbers equal what the results give now, no reported number is typed by hand (a
warning), the release's BibTeX entry carries release.yaml's arXiv id, and a built arXiv package is current (a
warning)."""

from __future__ import annotations

import re
from pathlib import Path

from .checklist import Item, ok_or
from .cli import UserError
from .paper_numbers import NUMBERS_FILE, NumberInputs, numbers_text, paper_folder, stale_files
from .paper_source import absolute_path_problems, arxiv_id_problems, hand_typed_numbers, shown_path, source_files
from .stage import ARXIV_OUTPUTS, BUILD

MACRO_LINE = re.compile(r"^\\newcommand\{\\(\w+)\}\{(.*)\}%?\s*$", re.M)


def macro_values(text: str) -> dict[str, str]:
    """name -> value of the one-line \\newcommand definitions (comments already stripped or after a %)."""
    return {m.group(1): m.group(2) for m in MACRO_LINE.finditer(re.sub(r"\}%.*$", "}", text, flags=re.M))}


def check_paper(root: Path, inputs: NumberInputs) -> list[Item]:
    paper = paper_folder(root)
    if not paper.exists() and not paper.is_symlink():
        return []
    where = shown_path(paper, root)
    try:
        files = source_files(paper)
    except UserError as exc:
        return [Item(f"{where}/ holds no links and no absolute paths", "fail", str(exc))]
    items = [ok_or(f"{where}/ holds no links and no absolute paths", absolute_path_problems(paper, files, root))]
    stale = stale_files(paper, inputs)
    items.append(
        ok_or(
            f"{where}/generated/ holds the numbers the code wrote",
            [
                f"{', '.join(f'{where}/{name}' for name in stale)} {'differs' if len(stale) == 1 else 'differ'} from "
                "results/*.json and release.yaml (stale or edited by hand); run `make paper-numbers` (make stage runs it)"
            ]
            if stale
            else [],
        )
    )
    typed = hand_typed_numbers(paper, files, inputs.metrics, inputs.release, root)
    name = f"no reported number typed by hand in {where}/"
    items.append(
        Item(
            name,
            "warn",
            "; ".join(str(t) for t in typed[:5]) + (f" (and {len(typed) - 5} more)" if len(typed) > 5 else ""),
        )
        if typed
        else Item(name, "ok")
    )
    items.append(
        ok_or(
            f"the release's BibTeX entry in {where}/ carries release.yaml's arXiv id",
            arxiv_id_problems(paper, files, inputs.release, root),
        )
    )
    package = root / BUILD / ARXIV_OUTPUTS[0] / NUMBERS_FILE
    if package.is_file():  # a package built from a paper that uses the generated numbers
        name = "build/release/arxiv.tar.gz carries the current numbers"
        current = macro_values(package.read_text(encoding="utf-8", errors="replace")) == macro_values(
            numbers_text(inputs)
        )
        # a warning: the package goes to arXiv, not to the Hub, so it never holds a Hub release back
        fix = f"the arXiv package's {NUMBERS_FILE} differs from the results; run `make arxiv` again before uploading it"
        items.append(Item(name, "ok") if current else Item(name, "warn", fix))
    return items
