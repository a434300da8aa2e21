# Template-owned (mlrelease-template): `make template-update` replaces this file; keep your changes in your own files.
"""`make link-paper ARXIV=2501.01234`: record the arXiv id in release.yaml and re-render what links to the paper."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from .cli import UserError, run
from .files import atomic_write_text
from .release_file import ARXIV_ID, RELEASE_FILE, Release
from .stage import build_release, load_inputs, render_documents

ARXIV_LINE = re.compile(r"^arxiv_id:.*$", re.M)


def link_paper(arxiv_id: str, root: Path = Path(".")) -> list[str]:
    """Set arxiv_id (keeping the rest of release.yaml, comments included) and re-render; returns what was updated."""
    arxiv_id = arxiv_id.strip().removeprefix("arXiv:").removeprefix("https://arxiv.org/abs/")
    if not arxiv_id:
        raise UserError("no arXiv id given; run e.g. make link-paper ARXIV=2501.01234")
    if not ARXIV_ID.match(arxiv_id):
        raise UserError(
            f"ARXIV={arxiv_id!r} is not an arXiv id; use YYMM.NNNN or YYMM.NNNNN with an optional vN, e.g. 2501.01234"
        )
    path = Path(root) / RELEASE_FILE
    Release.load(root)  # refuse to edit a release.yaml that is already broken
    text = path.read_text(encoding="utf-8")
    if len(ARXIV_LINE.findall(text)) != 1:
        raise UserError(f"{RELEASE_FILE}: expected one top-level 'arxiv_id:' line; add `arxiv_id: null` and run again")
    atomic_write_text(path, ARXIV_LINE.sub(f'arxiv_id: "{arxiv_id}"', text))
    updated = [RELEASE_FILE]
    release = Release.load(root)
    try:
        inputs = load_inputs(root, release=release)
    except UserError:  # no results yet: the README and citation still get the paper link
        render_documents(root, release, None, None)
        return [*updated, "README.md", "CITATION.cff"]
    build_release(root, inputs=inputs)
    return [*updated, "README.md", "CITATION.cff", "build/release/ (cards, announcement)"]


def main(argv: list[str] | None = None) -> list[str]:
    parser = argparse.ArgumentParser(
        description="Record the paper's arXiv id and re-render every artifact that links to it."
    )
    parser.add_argument("arxiv_id", nargs="?", default="", help="arXiv id, e.g. 2501.01234")
    parser.add_argument("--root", default=".", help="project root (default: current directory)")
    args = parser.parse_args(argv)
    updated = run(lambda: link_paper(args.arxiv_id, Path(args.root)))
    print(f"arxiv_id {args.arxiv_id} recorded; updated " + ", ".join(updated))
    return updated


if __name__ == "__main__":
    main()
