"""Hostile answers: valid but unusual text comes back exactly from every file; invalid answers are refused."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from types import SimpleNamespace

import bibtexparser
import pytest
import yaml
from bibtexparser.middlewares import LatexDecodingMiddleware
from helpers import AUTHORS, DESCRIPTION, TITLE, block, render


@pytest.fixture
def hostile(hostile_project: Path) -> Path:
    return hostile_project


def test_yaml_files_give_back_the_text(hostile: Path) -> None:
    release = yaml.safe_load((hostile / "release.yaml").read_text(encoding="utf-8"))
    assert release["title"] == TITLE and release["description"] == DESCRIPTION
    assert release["authors"] == AUTHORS
    answers = yaml.safe_load((hostile / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert answers["project_title"] == TITLE and answers["authors"] == AUTHORS


def test_citation_cff_gives_back_the_text(hostile: Path) -> None:
    citation = yaml.safe_load((hostile / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["title"] == TITLE and citation["abstract"] == DESCRIPTION
    names = [" ".join(filter(None, [a.get("given-names"), a.get("family-names")])) for a in citation["authors"]]
    assert names == [a["name"] for a in AUTHORS]
    assert [a["affiliation"] for a in citation["authors"]] == [a["affiliation"] for a in AUTHORS]
    assert citation["authors"][0]["orcid"] == "https://orcid.org/0000-0002-1825-0097"


def test_pyproject_gives_back_the_text(hostile: Path) -> None:
    project = tomllib.loads((hostile / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["description"] == DESCRIPTION
    assert [a["name"] for a in project["authors"]] == [a["name"] for a in AUTHORS]
    assert project["authors"][0]["email"] == AUTHORS[0]["email"]


def test_bibtex_gives_back_the_text(hostile: Path) -> None:
    readme = (hostile / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```bibtex\n(.*?)```", readme, re.S).group(1)
    entry = bibtexparser.parse_string(block, append_middleware=[LatexDecodingMiddleware()]).entries[0]
    # pylatexenc decodes \textasciicircum to the modifier letter; LaTeX prints a plain caret.
    assert entry["title"].replace("\u02c6", "^") == TITLE
    assert entry["author"].replace("\u02c6", "^") == " and ".join(a["name"] for a in AUTHORS)
    assert entry["eprint"] == "2501.01234v3"


def test_markdown_escapes_html(hostile: Path) -> None:
    readme = (hostile / "README.md").read_text(encoding="utf-8")
    prose = re.sub(r"```.*?```", "", readme, flags=re.S)
    assert "<script>" not in prose and "<b>" not in prose and "<i>" not in prose
    assert (
        "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in prose
        or "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in prose
    )


def test_very_long_values_are_accepted_up_to_the_limit(tmp_path: Path) -> None:
    title = "A very long title " * 16 + "x" * (300 - 18 * 16)
    assert len(title) == 300
    project = render(tmp_path / "long", {"project_title": title, "project_slug": "long-title"})
    assert yaml.safe_load((project / "release.yaml").read_text())["title"] == title
    with pytest.raises(ValueError, match=r"project_title: at most 300 characters"):
        render(tmp_path / "too-long", {"project_title": title + "y", "project_slug": "long-title"})
    assert not (tmp_path / "too-long").exists()


INVALID = [
    ({"project_title": "   "}, r"project_title: must not be empty"),
    ({"project_title": "two\nlines"}, r"project_title: must be one line"),
    ({"description": ""}, r"description: must not be empty"),
    ({"project_slug": "My Project"}, r"project_slug: use lowercase letters, digits and single hyphens"),
    ({"project_slug": "a--b"}, r"project_slug: use lowercase"),
    ({"project_slug": "x" * 81}, r"project_slug: at most 80 characters"),
    ({"package_name": "9lives"}, r"package_name: use lowercase letters, digits and underscores"),
    ({"package_name": "my-pkg"}, r"package_name: use lowercase letters, digits and underscores"),
    ({"package_name": "import"}, r"package_name: \"import\" is a Python keyword"),
    ({"package_name": "release_tools"}, r"package_name: \"release_tools\" clashes"),
    ({"package_name": "p" * 41}, r"package_name: at most 40 characters"),
    ({"hf_namespace": "-lab"}, r"hf_namespace: a Hugging Face user or organisation name"),
    ({"hf_namespace": "my lab"}, r"hf_namespace: a Hugging Face user or organisation name"),
    ({"github_url": "https://gitlab.com/a/b"}, r"github_url: expected https://github.com/OWNER/REPO"),
    ({"github_url": "https://github.com/a/b.git"}, r"github_url: expected https://github.com/OWNER/REPO"),
    ({"arxiv_id": "arXiv:2501.01234"}, r"arxiv_id: expected YYMM.NNNN or YYMM.NNNNN"),
    ({"arxiv_id": "2513.01234"}, r"arxiv_id: expected YYMM.NNNN"),
    ({"arxiv_id": "2501.123"}, r"arxiv_id: expected YYMM.NNNN"),
    ({"authors": []}, r"authors: give a non-empty YAML list"),
    ({"authors": "Ada Lovelace"}, r"authors: give a non-empty YAML list"),
    ({"authors": ["Ada Lovelace"]}, r"authors\[0\]: each author is a mapping"),
    ({"authors": [{"name": "Ada"}]}, r"authors\[0\]\.affiliation: must be a non-empty string"),
    ({"authors": [{"name": "", "affiliation": "X"}]}, r"authors\[0\]\.name: must be a non-empty string"),
    ({"authors": [{"name": "Ada", "affiliation": "X", "web": "y"}]}, r"authors\[0\]: unknown key\(s\) web"),
    (
        {"authors": [{"name": "A", "affiliation": "X"}, {"name": "B", "affiliation": "Y", "email": "b@"}]},
        r"authors\[1\]\.email: expected an address like name@example.org",
    ),
    (
        {"authors": [{"name": "Ada", "affiliation": "X", "orcid": "https://orcid.org/0000-0002-1825-0097"}]},
        r"authors\[0\]\.orcid: expected the 16-digit ORCID iD",
    ),
    ({"code_license": "WTFPL"}, r"Invalid choice for 'code_license'"),
    ({"model_license": "cc-by-4"}, r"Invalid choice for 'model_license'"),
    ({"model_license": "other", "model_license_name": "My License"}, r"model_license_name: use lowercase letters"),
    (
        {"data_license": "other", "data_license_link": "not a link"},
        r"data_license_link: expected an https:// URL or a file name",
    ),
    ({"visibility": "hidden"}, r"Invalid choice for 'visibility'"),
    ({"pipeline_tag": "image-classifier"}, r"pipeline_tag: \"image-classifier\" is not a Hugging Face pipeline tag"),
    ({"python_version": "3.8"}, r"Invalid choice for 'python_version'"),
]


@pytest.mark.parametrize(
    ("answers", "message"), INVALID, ids=[f"{next(iter(a))}-{i}" for i, (a, _) in enumerate(INVALID)]
)
def test_invalid_answers_are_refused_with_the_expected_format(
    tmp_path: Path, answers: dict, message: str, template_files: Path
) -> None:
    with pytest.raises(ValueError, match=message):
        render(tmp_path / "project", answers, source=template_files)
    assert not (tmp_path / "project").exists()


def test_hostile_text_survives_the_release_tooling(hostile_release: SimpleNamespace) -> None:
    """Cards and the re-rendered README/CITATION of the hostile project give back the exact text."""
    from huggingface_hub import DatasetCard, ModelCard

    hostile, readme_before = hostile_release.root, hostile_release.readme_before
    model = ModelCard.load(hostile / "build/release/model/README.md")
    assert model.data.model_name == TITLE and model.data.eval_results[0].dataset_split == "test"
    assert "<script>" not in re.sub(r"```.*?```", "", model.text, flags=re.S)
    assert DatasetCard.load(hostile / "build/release/dataset/README.md").data.pretty_name == TITLE
    readme_after = (hostile / "README.md").read_text(encoding="utf-8")
    assert block(readme_after, "citation") == block(readme_before, "citation")
    citation = yaml.safe_load((hostile / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["title"] == TITLE and [a["affiliation"] for a in citation["authors"]] == [
        a["affiliation"] for a in AUTHORS
    ]
    entry = bibtexparser.parse_string(
        re.search(r"```bibtex\n(.*?)```", model.text, re.S).group(1), append_middleware=[LatexDecodingMiddleware()]
    ).entries[0]
    assert entry["title"].replace("\u02c6", "^") == TITLE
