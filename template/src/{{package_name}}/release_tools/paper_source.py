# Template-owned (mlrelease-template): `make template-update` replaces this file; keep your changes in your own files.
"""The paper's LaTeX source as the checks read it: its files (no links), its text without comments, the absolute
paths it names, the reported numbers typed into it by hand, and the arXiv id its BibTeX gives the release.

The paper folder is the researcher's (paper/, or PAPER_DIR); nothing here writes to it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .cli import UserError
from .paper_numbers import GENERATED, macro_word
from .release_file import NumberFormat, Release
from .results import Metrics

# Commands whose argument is a file the build reads: an absolute path there exists only on this machine.
FILE_COMMAND = re.compile(
    r"\\(includegraphics|input|include|bibliography|addbibresource|graphicspath|lstinputlisting|includepdf|"
    r"includesvg|subfile)\*?\s*(\[[^\]]*\])?\s*\{\s*\{?\s*(?P<path>/|~|[A-Za-z]:[\\/])"
)
NUMBER = re.compile(r"(?<![\w.\\])\d+\.\d+(?![\w.])")
DOCUMENTCLASS = re.compile(r"\\documentclass\b")
ARXIV_VERSION = re.compile(r"v\d+$")


def visible(path: Path, paper: Path) -> bool:
    """Dot-files and dot-folders (.git of an Overleaf checkout, .env, editor state) never belong to the paper."""
    return not any(part.startswith(".") for part in path.relative_to(paper).parts)


def source_files(paper: Path) -> list[Path]:
    """Every file of the paper folder but dot-files, sorted; a symbolic link anywhere is refused (arXiv takes
    none, and a link can reach outside the folder)."""
    if paper.is_symlink():
        raise UserError(f"{paper} is a symbolic link; point PAPER_DIR at the folder itself")
    if not paper.is_dir():
        raise UserError(f"{paper} is not a folder; create your paper there or set PAPER_DIR=<folder with your .tex>")
    found = []
    for folder, dirs, files in os.walk(paper):
        for name in sorted(dirs + files):
            path = Path(folder) / name
            if not visible(path, paper):
                continue
            if path.is_symlink():
                raise UserError(
                    f"{path} is a symbolic link; arXiv takes no links: copy the file it points to in its place"
                )
            if path.is_file():
                found.append(path)
        dirs[:] = [d for d in dirs if not d.startswith(".")]
    return sorted(found)


def without_comment(line: str) -> str:
    """The line up to its first unescaped %, where a TeX comment starts (\\% is a percent sign)."""
    backslashes = 0
    for index, char in enumerate(line):
        if char == "%" and backslashes % 2 == 0:
            return line[:index]
        backslashes = backslashes + 1 if char == "\\" else 0
    return line


def tex_lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, text without its comment) of a .tex file."""
    text = path.read_text(encoding="utf-8", errors="replace")
    for number, line in enumerate(text.splitlines(), start=1):
        yield number, without_comment(line)


def tex_files(paper: Path, files: list[Path], *, generated: bool = True) -> list[Path]:
    return [f for f in files if f.suffix == ".tex" and (generated or f.relative_to(paper).parts[0] != GENERATED)]


def shown_path(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def absolute_path_problems(paper: Path, files: list[Path], root: Path) -> list[str]:
    """`file line N: \\cmd names an absolute path` for each file command that reaches outside the folder."""
    problems = []
    for path in tex_files(paper, files):
        for number, line in tex_lines(path):
            found = FILE_COMMAND.search(line)
            if found:
                problems.append(
                    f"{shown_path(path, root)} line {number}: \\{found.group(1)} names an absolute path; use a path "
                    f"relative to {shown_path(paper, root)}/ (arXiv builds the package alone)"
                )
    return problems


def main_file(paper: Path, files: list[Path]) -> Path:
    """The top-level .tex file with \\documentclass (PAPER_MAIN names it when there are several)."""
    chosen = os.environ.get("PAPER_MAIN", "").strip()
    if chosen:
        path = paper / chosen
        if path not in files:
            raise UserError(f"PAPER_MAIN={chosen} is not a .tex file of {paper}; name the file with \\documentclass")
        return path
    mains = [
        f
        for f in tex_files(paper, files, generated=False)
        if f.parent == paper and any(DOCUMENTCLASS.search(line) for _, line in tex_lines(f))
    ]
    if len(mains) != 1:
        names = ", ".join(f.name for f in mains) or "none"
        raise UserError(
            f"{paper} needs one top-level .tex file with \\documentclass (found: {names}); set PAPER_MAIN=<file.tex>"
        )
    return mains[0]


@dataclass(frozen=True)
class TypedNumber:
    """A literal number in the paper that equals a reported metric: it was typed, not written by the code."""

    file: str
    line: int
    text: str
    metric: str
    macro: str

    def __str__(self) -> str:
        return f"{self.file} line {self.line}: {self.text} is {self.metric} typed by hand; write \\{self.macro}"


def renderings(value: float, shape: NumberFormat) -> set[str]:
    """How a metric may appear when typed by hand: as release.yaml formats it, and as percent (1-2 decimals) or
    fraction (2-4 decimals); only forms with a decimal point, so counts and years do not match."""
    forms = {shape.text(value), *(f"{value:.{d}f}" for d in (2, 3, 4))}
    if 0 <= value <= 1:
        forms |= {f"{value * 100:.{d}f}" for d in (1, 2)}
    return {form for form in forms if "." in form}


def hand_typed_numbers(
    paper: Path, files: list[Path], metrics: Metrics, release: Release, root: Path
) -> list[TypedNumber]:
    wanted: dict[str, tuple[str, str]] = {}
    for name, value in metrics.values:
        for form in renderings(value, release.paper.format_for(name)):
            wanted.setdefault(form, (name, f"metric{macro_word(name)}"))
    found = []
    for path in tex_files(paper, files, generated=False):
        for number, line in tex_lines(path):
            for match in NUMBER.finditer(line):
                if match.group() in wanted:
                    metric, macro = wanted[match.group()]
                    found.append(TypedNumber(shown_path(path, root), number, match.group(), metric, macro))
    return found


def arxiv_id_problems(paper: Path, files: list[Path], release: Release, root: Path) -> list[str]:
    """The release's BibTeX entry (its citation_key) in the paper's own .bib files must carry release.yaml's id."""
    try:
        import bibtexparser  # a dev tool: staging imports this module, the Pages workflow stages without it
    except ImportError:
        raise UserError("bibtexparser is not installed, so the paper's BibTeX cannot be read; run make setup") from None
    problems = []
    expected = ARXIV_VERSION.sub("", release.arxiv_id or "")
    for path in (f for f in files if f.suffix == ".bib" and f.relative_to(paper).parts[0] != GENERATED):
        library = bibtexparser.parse_string(path.read_text(encoding="utf-8", errors="replace"))
        for entry in library.entries:
            if entry.key != release.citation_key:
                continue
            field = entry.fields_dict.get("eprint")
            given = ARXIV_VERSION.sub("", str(field.value).strip()) if field else ""
            if given != expected:
                problems.append(
                    f"{shown_path(path, root)}: entry {entry.key} gives arXiv id {given or 'none'}, release.yaml "
                    f"{expected or 'none'}; make them agree (make link-paper ARXIV=<id> records it in release.yaml)"
                )
    return problems
