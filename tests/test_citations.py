"""One citation, three renderings: CITATION.cff, the README's BibTeX and the page's (the same function) must name
the same work. citation-js (npm @citation-js/cli, the converter behind many reference tools) reads the CFF and the
BibTeX, and both must give the same title, authors, year, arXiv id and DOI; the software's CFF entry carries its
release date (no "n.d.") and none of the paper's identifiers.

The npm tools live in .cache/node-tools (or $MLRELEASE_NODE_TOOLS), where .ci/run installs them; a test that
finds them missing installs them with npm, and skips only where npm itself is absent."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import bibtexparser
import pytest
import yaml
from bibtexparser.middlewares import LatexDecodingMiddleware
from helpers import (
    AUTHORS,
    HOSTILE,
    NODE_PACKAGES,
    ROOT,
    SHARED_ENV,
    TITLE,
    bibtex_records,
    cff_records,
    citation_js,
    readme_bibtex,
    summary,
)


def copy_project(root: Path, destination: Path) -> Path:
    """What the citation needs (release.yaml, README, CITATION.cff, the tooling), without what other tests of the
    shared project may have added there (a .venv link, data, checkpoints, build/)."""
    heavy = shutil.ignore_patterns(".venv", ".git", "data", "checkpoints", "build", "results")
    return shutil.copytree(root, destination, symlinks=True, ignore=heavy)


def tool_render(root: Path, extra_yaml: str = "") -> subprocess.CompletedProcess:
    """The project's own tooling (src/<package>/release_tools) renders CITATION.cff and the BibTeX from release.yaml, with
    `extra_yaml` appended to release.yaml first; stdout is JSON {cff, bibtex}."""
    if extra_yaml:
        path = root / "release.yaml"
        path.write_text(path.read_text(encoding="utf-8") + extra_yaml, encoding="utf-8")
    tools = yaml.safe_load((root / "release.yaml").read_text(encoding="utf-8"))["package"] + ".release_tools"
    script = (
        "import json; from pathlib import Path\n"
        f"from {tools}.citation import bibtex, citation_cff\n"
        f"from {tools}.cli import run\n"
        f"from {tools}.release_file import Release\n"
        "r = Release.load(Path('.'))\n"
        "print(json.dumps(run(lambda: {'cff': citation_cff(r, r.artifact_links['model']), 'bibtex': bibtex(r)})))\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=root,
        env={**env, "PYTHONPATH": str(root / "src")},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def on_arxiv(hostile_project: Path) -> Path:
    """The hostile answers, with an arXiv id, as copier rendered them."""
    return hostile_project


@pytest.fixture(scope="module")
def before_arxiv(default_project: Path) -> Path:
    """The default answers: no arXiv id yet."""
    return default_project


def test_cff_and_bibtex_cite_the_same_paper(on_arxiv: Path, tmp_path: Path) -> None:
    year = int(yaml.safe_load((on_arxiv / "release.yaml").read_text(encoding="utf-8"))["year"])
    software, paper = cff_records(on_arxiv)
    [entry] = bibtex_records(readme_bibtex(on_arxiv), tmp_path)
    arxiv_id, doi = HOSTILE["arxiv_id"], "10.48550/arXiv." + HOSTILE["arxiv_id"].rsplit("v", 1)[0]
    wanted = {
        "title": TITLE,
        "authors": [a["name"] for a in AUTHORS],
        "year": year,
        "DOI": doi,
        "arxiv": arxiv_id,
        "container": f"arXiv preprint arXiv:{arxiv_id}",
    }
    assert summary(paper) == summary(entry) == wanted
    # The software entry: its own release date, and none of the paper's identifiers.
    assert software["issued"]["date-parts"] == [[year, 1, 1]]
    assert "DOI" not in software and "arxiv.org" not in software.get("URL", "")
    cff = yaml.safe_load((on_arxiv / "CITATION.cff").read_text(encoding="utf-8"))
    assert "identifiers" not in cff and cff["date-released"] == f"{year}-01-01"
    # The arXiv fields citation-js does not map, read with a BibTeX parser.
    parsed = bibtexparser.parse_string(readme_bibtex(on_arxiv), append_middleware=[LatexDecodingMiddleware()])
    fields = parsed.entries[0].fields_dict
    assert fields["eprint"].value == arxiv_id and fields["archivePrefix"].value == "arXiv"
    assert fields["doi"].value == doi and fields["url"].value == f"https://arxiv.org/abs/{arxiv_id}"
    # A citation style renders a year for both entries, never "(n.d.)".
    apa = citation_js(on_arxiv / "CITATION.cff", "citation-apa")
    assert "n.d." not in apa and apa.count(f"({year}") == 2, apa


def test_copier_and_the_tooling_render_the_same_citation(on_arxiv: Path, before_arxiv: Path) -> None:
    for root in (on_arxiv, before_arxiv):
        done = tool_render(root)
        assert done.returncode == 0, done.stderr
        rendered = json.loads(done.stdout)
        cff = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
        assert yaml.safe_load(rendered["cff"]) == cff
        assert rendered["bibtex"] == readme_bibtex(root)


def test_before_arxiv_both_cite_the_software(before_arxiv: Path, tmp_path: Path) -> None:
    release = yaml.safe_load((before_arxiv / "release.yaml").read_text(encoding="utf-8"))
    software, paper = cff_records(before_arxiv)
    [entry] = bibtex_records(readme_bibtex(before_arxiv), tmp_path)
    assert paper is None and readme_bibtex(before_arxiv).startswith("@misc{")
    mine, theirs = summary(software), summary(entry)
    assert (mine["title"], mine["authors"], mine["year"]) == (theirs["title"], theirs["authors"], theirs["year"])
    assert mine["title"] == release["title"] and mine["year"] == release["year"]
    assert mine["DOI"] is None and theirs["DOI"] is None
    assert "n.d." not in citation_js(before_arxiv / "CITATION.cff", "citation-apa")


def test_release_date_and_arxiv_class_come_from_release_yaml(on_arxiv: Path, tmp_path: Path) -> None:
    project = copy_project(on_arxiv, tmp_path / "project")
    year = yaml.safe_load((project / "release.yaml").read_text(encoding="utf-8"))["year"]
    done = tool_render(project, f"date: {year}-03-14\narxiv_class: cs.LG\n")
    assert done.returncode == 0, done.stderr
    rendered = json.loads(done.stdout)
    (project / "CITATION.cff").write_text(rendered["cff"], encoding="utf-8")
    assert yaml.safe_load(rendered["cff"])["date-released"] == f"{year}-03-14"
    validated = subprocess.run(
        [SHARED_ENV / "bin" / "cffconvert", "--validate", "-i", project / "CITATION.cff"],
        capture_output=True,
        text=True,
    )
    assert validated.returncode == 0, validated.stdout + validated.stderr
    software, paper = cff_records(project)
    assert software["issued"]["date-parts"] == [[year, 3, 14]] and summary(paper)["year"] == year
    assert "  primaryClass = {cs.LG}," in rendered["bibtex"].splitlines()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('date: "2026-02-30"\n', "field 'date' is '2026-02-30'; use the release day as YYYY-MM-DD"),
        ("date: March 2026\n", "field 'date' is 'March 2026'; use the release day as YYYY-MM-DD"),
        ("date: 1999-12-31\n", "field 'date' (1999-12-31) is not in year"),
        ("arxiv_class: machine learning\n", "field 'arxiv_class' is 'machine learning'; use the paper's primary"),
    ],
)
def test_a_bad_date_or_class_is_refused_with_the_fix(before_arxiv: Path, tmp_path: Path, extra: str, message: str):
    project = copy_project(before_arxiv, tmp_path / "project")
    done = tool_render(project, extra)
    assert done.returncode == 1 and message in done.stderr and done.stderr.count("\n") == 1, done.stderr


def test_ci_installs_the_node_tools_the_tests_use() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    install = next(line for line in ci.splitlines() if line.startswith("npm install "))
    assert ".cache/node-tools" in install and all(package in install.split() for package in NODE_PACKAGES), install
