# Template-owned (mlrelease-template): `make template-update` replaces this file; keep your changes in your own files.
"""`make arxiv`: build/release/arxiv/ and build/release/arxiv.tar.gz from the paper folder (paper/, or PAPER_DIR).

1. Refuse what arXiv cannot take or should never see: symbolic links, absolute file paths in the source.
2. `make paper-numbers`, so the package carries the numbers the code wrote last.
3. With a TeX engine (pdflatex and bibtex, Debian's texlive-latex-base): compile a copy once for its .bbl
   (arXiv does not run BibTeX). Without one, a .bbl you compiled yourself is kept.
4. arxiv-latex-cleaner (Google's tool for this job) removes comments, unused files and build leftovers, and shrinks
   figures larger than release.yaml's paper.image_max_px; `\\pdfoutput=1` is put in the first lines.
5. Refuse a package with a token-like string or a home-folder path, or larger than arXiv's 50 MB.
6. Compile the package as arXiv will (pdflatex, no BibTeX), when an engine is installed: build/release/arxiv.pdf.
The folder and the tarball appear whole or not at all; the tarball's bytes depend only on the files.
"""

from __future__ import annotations

import argparse
import gzip
import io
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import secrets_scan
from .cli import UserError, run
from .files import atomic_directory, atomic_write_bytes
from .lock import release_lock
from .paper_numbers import NumberInputs, paper_folder, write_numbers
from .paper_source import absolute_path_problems, main_file, shown_path, source_files
from .release_file import Release
from .stage import ARXIV_OUTPUTS, BUILD

PACKAGE_DIR, TARBALL, PREVIEW = ARXIV_OUTPUTS

COMPILE_LOG = Path("build/arxiv-compile.log")
ARXIV_LIMIT_BYTES = 50 * 1000 * 1000
HOME_PATH = re.compile(r"(/home/|/Users/|[A-Za-z]:\\Users\\)[^\s/\\]+")
PDFOUTPUT = re.compile(r"\\pdfoutput\s*=\s*1")
TEX_TIMEOUT_S = 300
NO_ENGINE = "no TeX engine found (pdflatex); install Debian's texlive-latex-base to compile the package here"


@dataclass(frozen=True)
class ArxivPackage:
    folder: Path
    tarball: Path
    files: dict[str, int]  # name -> bytes
    compiled: str  # what the compile said: pages, or why it did not run
    notes: tuple[str, ...] = ()


def tex_engine() -> str | None:
    return shutil.which("pdflatex")


def run_tex(folder: Path, command: list[str], log: Path) -> subprocess.CompletedProcess:
    try:
        done = subprocess.run(
            command, cwd=folder, capture_output=True, text=True, errors="replace", timeout=TEX_TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired:
        raise UserError(f"{command[0]} ran longer than {TEX_TIMEOUT_S} s on the paper; compile it yourself") from None
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8") as out:
        out.write(f"$ {' '.join(command)}\n{done.stdout}{done.stderr}\n")
    return done


def first_error(output: str) -> str:
    """The line of a TeX log that says what went wrong (`! ...` or `file:line: ...`)."""
    for line in output.splitlines():
        if line.startswith("!") or re.match(r"^[^\s:]+\.tex:\d+: ", line):
            return line.strip()
    return "see the log"


def pdflatex(folder: Path, main: str, log: Path, *, what: str) -> subprocess.CompletedProcess:
    command = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-file-line-error", main]
    done = run_tex(folder, command, log)
    if done.returncode != 0:
        raise UserError(f"{what} does not compile with pdflatex: {first_error(done.stdout)}; the log is {log}")
    return done


def compiled_bibliography(source: Path, main: str, log: Path) -> Path | None:
    """Compile a copy of the source for its .bbl (pdflatex, bibtex); None when the paper has no BibTeX
    bibliography."""
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch) / "paper"
        shutil.copytree(source, work)
        pdflatex(work, main, log, what="the paper")
        aux = work / Path(main).with_suffix(".aux")
        if not aux.is_file() or "\\bibdata" not in aux.read_text(encoding="utf-8", errors="replace"):
            return None
        done = run_tex(work, ["bibtex", Path(main).stem], log)
        bbl = work / Path(main).with_suffix(".bbl")
        if done.returncode > 1 or not bbl.is_file():  # bibtex exits 1 on warnings, 2 and more on errors
            raise UserError(f"bibtex failed on the paper's bibliography: {first_error(done.stdout)}; the log is {log}")
        shutil.copyfile(bbl, source / bbl.name)
        return source / bbl.name


def clean(source: Path, image_max_px: int) -> Path:
    """arxiv-latex-cleaner on `source`; returns its output folder (`<source>_arXiv`)."""
    try:
        from arxiv_latex_cleaner.arxiv_latex_cleaner import run_arxiv_cleaner
    except ImportError:
        raise UserError("arxiv-latex-cleaner is not installed; run make setup") from None
    run_arxiv_cleaner(
        {
            "input_folder": str(source),
            "resize_images": True,
            "im_size": image_max_px,
            "compress_pdf": False,
            "pdf_im_resolution": 500,
            "images_allowlist": {},
            "keep_bib": False,  # arXiv reads the .bbl; the .bib files may hold private notes
            "commands_to_delete": [],
            "commands_only_to_delete": [],
            "environments_to_delete": [],
            "use_external_tikz": None,
            "svg_inkscape": None,
        }
    )
    return source.parent / f"{source.name}_arXiv"


def ensure_pdfoutput(main: Path) -> None:
    """arXiv builds with pdflatex only when \\pdfoutput=1 is in the first five lines of the main file."""
    text = main.read_text(encoding="utf-8")
    if not PDFOUTPUT.search("\n".join(text.splitlines()[:5])):
        main.write_text("\\pdfoutput=1\n" + text, encoding="utf-8")


# What belongs at the top of an arXiv package besides the paper's own .tex files and figures.
LATEX_SUPPORT = {".tex", ".sty", ".cls", ".bst", ".bbl", ".clo", ".cfg", ".def", ".ind", ".gls", ".png", ".jpg"}
LATEX_SUPPORT |= {".jpeg", ".pdf", ".eps"}


def unexpected_files(package: Path) -> list[str]:
    """Files at the top of the package that LaTeX does not read: arxiv-latex-cleaner keeps every top-level file
    (style files live there), so a notes.txt or a draft's data file would reach arXiv."""
    return sorted(p.name for p in package.iterdir() if p.is_file() and p.suffix.lower() not in LATEX_SUPPORT)


def package_problems(package: Path) -> list[str]:
    """Secrets (detect-secrets and the Hub token pattern) and home-folder paths anywhere in the package."""
    files = {p.relative_to(package).as_posix(): p for p in sorted(package.rglob("*")) if p.is_file()}
    problems = [f"{hit}; {secrets_scan.FIX}" for hit in secrets_scan.scan(files)]
    for name, path in files.items():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            if HOME_PATH.search(line):
                problems.append(f"{name} line {number} holds a path in a home folder; remove it from the paper")
                break
    return problems


def tarball_bytes(package: Path) -> bytes:
    """The package as .tar.gz with sorted names, no owners and no times: the same files give the same bytes."""
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as zipped:
        with tarfile.open(fileobj=zipped, mode="w", format=tarfile.PAX_FORMAT) as tar:
            for path in sorted(p for p in package.rglob("*") if p.is_file()):
                info = tarfile.TarInfo(path.relative_to(package).as_posix())
                info.size, info.mode = path.stat().st_size, 0o644
                with path.open("rb") as data:
                    tar.addfile(info, data)
    return buffer.getvalue()


def copy_source(paper: Path, target: Path) -> None:
    """The paper's files (no dot-files, no links) into `target`, where the build may write freely."""
    for path in source_files(paper):
        (target / path.relative_to(paper)).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target / path.relative_to(paper))


def bibliography_note(source: Path, main: str) -> list[str]:
    """Without a TeX engine: a paper with a BibTeX bibliography but no .bbl would show [?] on arXiv."""
    bbl = Path(main).with_suffix(".bbl")
    uses_bibtex = "\\bibliography{" in (source / main).read_text(encoding="utf-8", errors="replace")
    return (
        [f"no {bbl}: arXiv will show [?] for citations; {NO_ENGINE}"]
        if uses_bibtex and not (source / bbl).is_file()
        else []
    )


def compile_package(package: Path, main: str, log: Path) -> tuple[str, bytes]:
    """pdflatex twice (references settle) on a copy, as arXiv does: what it says, and the PDF."""
    with tempfile.TemporaryDirectory() as trial:
        work = Path(trial) / "package"
        shutil.copytree(package, work)
        pdflatex(work, main, log, what="the arXiv package")
        done = pdflatex(work, main, log, what="the arXiv package")
        pages = re.search(r"Output written on .*?\((\d+) pages?", done.stdout)
        said = f"compiled with pdflatex as arXiv will: {pages.group(1) if pages else '?'} pages"
        return said, (work / Path(main).with_suffix(".pdf")).read_bytes()


def build_arxiv(root: Path = Path("."), paper: Path | None = None) -> ArxivPackage:
    root = Path(root)
    paper = paper or paper_folder(root)
    out, log = root / BUILD, root / COMPILE_LOG
    with release_lock(root, "make arxiv"):
        release = Release.load(root)
        files = source_files(paper)
        main = main_file(paper, files).relative_to(paper).as_posix()
        problems = absolute_path_problems(paper, files, root)
        if problems:
            raise UserError(problems[0])
        write_numbers(paper, NumberInputs.load(root, release))
        log.unlink(missing_ok=True)
        with tempfile.TemporaryDirectory() as scratch:
            source = Path(scratch) / "paper"
            copy_source(paper, source)
            engine = tex_engine()
            if engine:
                compiled_bibliography(source, main, log)
            notes = [] if engine else bibliography_note(source, main)
            package = clean(source, release.paper.image_max_px)
            ensure_pdfoutput(package / main)
            notes += [
                f"{name} goes to arXiv with the paper (every top-level file does); move it out of "
                f"{shown_path(paper, root)}/ if it should not"
                for name in unexpected_files(package)
            ]
            problems = package_problems(package)
            if problems:
                raise UserError(f"the arXiv package of {shown_path(paper, root)}: {problems[0]}")
            tarball = tarball_bytes(package)
            if len(tarball) > ARXIV_LIMIT_BYTES:
                raise UserError(
                    f"the arXiv package is {len(tarball) / 1e6:.1f} MB, over arXiv's 50 MB; lower paper.image_max_px "
                    "in release.yaml or remove large files from the paper folder"
                )
            compiled, pdf = compile_package(package, main, log) if engine else (NO_ENGINE, None)
            sizes = {
                p.relative_to(package).as_posix(): p.stat().st_size for p in sorted(package.rglob("*")) if p.is_file()
            }
            with atomic_directory(out / PACKAGE_DIR) as staging:
                shutil.copytree(package, staging, dirs_exist_ok=True)
            atomic_write_bytes(out / TARBALL, tarball)
            if pdf is not None:
                atomic_write_bytes(out / PREVIEW, pdf)
            else:
                (out / PREVIEW).unlink(missing_ok=True)
    return ArxivPackage(out / PACKAGE_DIR, out / TARBALL, sizes, compiled, tuple(notes))


def main(argv: list[str] | None = None) -> ArxivPackage:
    parser = argparse.ArgumentParser(description="Build the paper's arXiv source package into build/release/.")
    parser.add_argument("--root", default=".", help="project root (default: current directory)")
    args = parser.parse_args(argv)
    package = run(lambda: build_arxiv(Path(args.root)), "arxiv")
    for name, size in package.files.items():
        print(f"  {name}  {size:,} bytes")
    print(
        f"{package.tarball}  {package.tarball.stat().st_size:,} bytes ({len(package.files)} files); {package.compiled}"
    )
    for note in package.notes:
        print(f"note: {note}", file=sys.stderr)
    return package


if __name__ == "__main__":
    main()
