"""Template-owned tests of the project page: every section and its metadata, the exact text of release.yaml,
nothing loaded from outside."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from PIL import Image
from release_helpers import git

from release_tools.citation import bibtex
from release_tools.cli import UserError
from release_tools.page import ASSETS, PAGE_DIR, build_page, main, markdown_to_html
from release_tools.readme_blocks import metric_rows
from release_tools.release_file import license_label, release_links

ROOT = Path(__file__).resolve().parents[1]
ABSTRACT = "We *test* the `page` builder with [a link](https://example.org/abstract).\n\nA second paragraph.\n"
TITLE = 'Q: "Quoted" </script><!-- <b>x</b> {braces} 50% & a--b 🚀 日本語 Ωμέγα ~^`\''
AUTHORS = [
    {"name": "Seán O'Brien-García", "affiliation": 'Lab "7" <i>Inst</i>', "email": "sean@example.org"},
    {"name": "李小龍", "affiliation": "東京大学", "orcid": "0000-0002-1825-0097"},
]


class Element:
    def __init__(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tag, self.attrs, self.text = tag, dict(attrs), ""


class Page(HTMLParser):
    """Every element of a page with its attributes and the text inside it, as a browser would read them."""

    VOID = {"meta", "link", "img", "br", "hr", "input"}

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.open: list[Element] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(Element(tag, attrs))
        if tag not in self.VOID:
            self.open.append(self.elements[-1])

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(Element(tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        while self.open and self.open.pop().tag != tag:
            pass

    def handle_data(self, data: str) -> None:
        for element in self.open:
            element.text += data

    def select(self, tag: str, **attrs: str) -> list[Element]:
        """Elements by tag and attribute values; `class_` stands for class."""
        wanted = {key.rstrip("_"): value for key, value in attrs.items()}
        return [e for e in self.elements if e.tag == tag and all(e.attrs.get(k) == v for k, v in wanted.items())]

    def meta(self, key: str) -> list[str]:
        """Contents of <meta name=key> or <meta property=key>, in page order."""
        return [
            e.attrs["content"] for e in self.select("meta") if key in (e.attrs.get("name"), e.attrs.get("property"))
        ]


@pytest.fixture(scope="module")
def results(staged_release: Path) -> Path:
    """results/*.json of the shared release, as `make eval` and `make benchmark` wrote them."""
    return staged_release / "results"


@pytest.fixture
def project(tmp_path: Path, results: Path) -> Path:
    """What the page builder reads: this project's release.yaml, an abstract and the page assets, committed to git
    (the page is built from what git tracks), and the results; no teaser."""
    root = tmp_path / "project"
    (root / "page").mkdir(parents=True)
    shutil.copy2(ROOT / "release.yaml", root / "release.yaml")
    (root / "page" / "abstract.md").write_text(ABSTRACT, encoding="utf-8")
    shutil.copytree(ROOT / ASSETS, root / ASSETS)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "--no-verify", "-m", "page inputs")
    shutil.copytree(results, root / "results")
    return root


def release_of(root: Path) -> dict:
    return yaml.safe_load((root / "release.yaml").read_text(encoding="utf-8"))


def set_release(root: Path, **fields) -> dict:
    release = {**release_of(root), **fields}
    (root / "release.yaml").write_text(yaml.safe_dump(release, allow_unicode=True), encoding="utf-8")
    return release


def built(root: Path) -> tuple[str, Page]:
    text = (build_page(root) / "index.html").read_text(encoding="utf-8")
    return text, Page(text)


def test_every_section_is_on_the_page(project: Path, capsys: pytest.CaptureFixture) -> None:
    release = release_of(project)
    metrics = json.loads((project / "results" / "metrics.json").read_text())
    hardware = json.loads((project / "results" / "benchmark.json").read_text())["hardware"]
    _, page = built(project)
    assert page.select("html")[0].attrs["lang"] == "en"
    assert all(page.select(landmark) for landmark in ("header", "nav", "main", "footer"))
    assert page.select("h1")[0].text == release["title"]
    assert [h.text for h in page.select("h2")] == ["TL;DR", "Abstract", "Results", "Speed", "BibTeX"]
    header = page.select("header")[0].text
    assert all(a["name"] in header and a.get("affiliation", "") in header for a in release["authors"])
    links = release_links(release)
    wanted = [links[kind] for kind in ("paper", "code", "model", "dataset", "demo") if links[kind]]
    assert [a.attrs["href"] for a in page.select("a", class_="button")] == wanted
    assert page.select("svg", role="img")[0].attrs["aria-label"].startswith("Bar chart of the test results")
    assert page.select("p", class_="tldr")[0].text == release["description"]
    assert [e.text for e in page.select("em")] == ["test"] and "A second paragraph." in page.select("main")[0].text
    cells = [td.text for td in page.select("td")]
    assert all(f"{value:.4f}" in cells for _, value in metric_rows(metrics))
    assert any((hardware.get("gpu") or hardware["cpu"]) in c.text for c in page.select("caption"))
    footer = page.select("footer")[0].text
    assert release["license"]["code"] in footer
    assert license_label(release, "model") in footer and license_label(release, "data") in footer
    assert "hidden" in page.select("button", class_="copy")[0].attrs  # page.js shows it
    assert capsys.readouterr().err.strip().startswith("note: page/teaser.png not found")


def test_head_metadata_for_search_social_and_scholar(project: Path) -> None:
    release = release_of(project)
    _, page = built(project)
    title, description = release["title"], release["description"]
    assert page.select("title")[0].text == title and page.meta("description") == [description]
    assert page.meta("viewport") == ["width=device-width, initial-scale=1"]
    assert page.meta("og:title") == page.meta("twitter:title") == page.meta("citation_title") == [title]
    assert page.meta("og:description") == [description] and page.meta("og:type") == ["article"]
    assert page.meta("og:url") == [release_links(release)["page"]] and page.meta("og:image") == []
    assert page.meta("twitter:card") == ["summary"]
    assert page.meta("citation_author") == [a["name"] for a in release["authors"]]
    assert page.meta("citation_publication_date") == [str(release["year"])]
    record = json.loads(page.select("script", type="application/ld+json")[0].text)
    assert record["@type"] == "ScholarlyArticle" and record["name"] == title
    assert [a["name"] for a in record["author"]] == [a["name"] for a in release["authors"]]
    assert record["abstract"].startswith("We test the page builder with a link.")
    assert record["url"] == release_links(release)["page"] and release["links"]["code"] in record["sameAs"]


def test_hostile_text_comes_back_exactly(project: Path) -> None:
    release = set_release(project, title=TITLE, description=f"TL;DR {TITLE}", authors=AUTHORS, arxiv_id="2501.01234v2")
    text, page = built(project)
    assert text.count("</script>") == 2 and "<b>" not in text and "<i>" not in text  # only the page's own tags
    assert page.select("title")[0].text == page.select("h1")[0].text == TITLE
    assert page.meta("og:title") == page.meta("citation_title") == [TITLE]
    assert page.select("p", class_="tldr")[0].text == f"TL;DR {TITLE}"
    assert page.meta("citation_author") == [a["name"] for a in AUTHORS]
    assert page.meta("citation_author_institution") == [a["affiliation"] for a in AUTHORS]
    assert page.meta("citation_arxiv_id") == ["2501.01234v2"]
    assert page.meta("citation_pdf_url") == ["https://arxiv.org/pdf/2501.01234v2"]
    record = json.loads(page.select("script", type="application/ld+json")[0].text)
    assert record["name"] == TITLE and [a["affiliation"]["name"] for a in record["author"]] == [
        a["affiliation"] for a in AUTHORS
    ]
    assert page.select("pre", id="bibtex")[0].text == bibtex(release)
    assert page.select("a", class_="button")[0].attrs["href"] == "https://arxiv.org/abs/2501.01234v2"
    assert {a.attrs["href"] for a in page.select("a", class_="contact")} == {
        "mailto:sean@example.org",
        "https://orcid.org/0000-0002-1825-0097",
    }


def test_bibtex_block_is_the_citation_with_a_copy_button(project: Path) -> None:
    _, page = built(project)
    assert page.select("pre", id="bibtex")[0].text == bibtex(release_of(project))
    button = page.select("button", class_="copy")[0]
    assert button.attrs["type"] == "button" and button.attrs["data-copy"] == "bibtex"
    assert page.select("p", id="bibtex-status")[0].attrs["role"] == "status"


def test_page_loads_nothing_from_outside_its_folder(project: Path) -> None:
    out = build_page(project)
    page = Page((out / "index.html").read_text(encoding="utf-8"))
    loaded = [e.attrs.get("src") for e in page.elements if e.tag in ("script", "img")]
    loaded += [e.attrs["href"] for e in page.select("link")]
    for url in filter(None, loaded):
        assert not re.match(r"(?i)(https?:)?//", url), url
        assert url == "data:," or (out / url).is_file(), url
    # README.md is the page Space's card (sdk: static); the page itself never loads it
    assert sorted(p.name for p in out.iterdir()) == ["README.md", "index.html", "page.js", "style.css"]
    css, js = (out / "style.css").read_text(), (out / "page.js").read_text()
    assert "url(" not in css and "@import" not in css and not re.search(r"https?://", css + js)
    assert "fetch(" not in js and "XMLHttpRequest" not in js
    assert sum(p.stat().st_size for p in out.iterdir()) < 100_000


def test_researcher_teaser_is_shown_and_shared(project: Path, capsys: pytest.CaptureFixture) -> None:
    Image.new("RGB", (64, 32), "navy").save(project / "page" / "teaser.png")
    with pytest.raises(UserError, match=r"^page/teaser.png is not tracked by git; .*git add page/teaser.png"):
        build_page(project)
    git(project, "add", "page/teaser.png")
    release = set_release(project, links={**release_of(project)["links"], "page_url": None})
    _, page = built(project)
    image = page.select("img")[0]
    assert (image.attrs["src"], image.attrs["width"], image.attrs["height"]) == ("teaser.png", "64", "32")
    assert image.attrs["alt"] == release["description"]
    assert (project / PAGE_DIR / "teaser.png").read_bytes() == (project / "page" / "teaser.png").read_bytes()
    space = release_links(release)["page"]  # the Hub serves a Space's files from the repository
    assert page.meta("og:image") == page.meta("twitter:image") == [f"{space}/resolve/main/teaser.png"]
    assert page.meta("twitter:card") == ["summary_large_image"]
    assert capsys.readouterr().err == ""  # abstract and teaser present: nothing to note
    set_release(project, links={**release["links"], "page_url": "https://lab.example.org/paper/"})
    _, page = built(project)
    assert page.meta("og:url") == ["https://lab.example.org/paper/"]
    assert page.meta("og:image") == ["https://lab.example.org/paper/teaser.png"]


def test_missing_abstract_still_builds_with_a_note(project: Path, capsys: pytest.CaptureFixture) -> None:
    (project / "page" / "abstract.md").unlink()
    with pytest.raises(UserError, match=r"^page/abstract.md is tracked by git but missing .*git checkout"):
        build_page(project)
    git(project, "rm", "-q", "--cached", "page/abstract.md")  # deleted on purpose
    _, page = built(project)
    notes = capsys.readouterr().err.splitlines()
    assert [n.split(" not found")[0] for n in notes] == ["note: page/abstract.md", "note: page/teaser.png"]
    placeholder = page.select("p", class_="placeholder")[0].text
    assert "page/abstract.md" in placeholder and "make page" in placeholder
    assert page.select("svg", role="img")  # the results chart stands in for the teaser


@pytest.mark.parametrize(("name", "target"), [("metrics.json", "make eval"), ("benchmark.json", "make benchmark")])
def test_missing_results_are_named_and_nothing_is_half_written(project: Path, name: str, target: str) -> None:
    results = project / "results" / name
    kept = results.read_bytes()
    results.unlink()
    with pytest.raises(UserError, match=rf"^results/{name} not found; run `{target}`"):
        build_page(project)
    assert not (project / PAGE_DIR).parent.exists()
    results.write_bytes(kept)
    before = {p.name: p.read_bytes() for p in build_page(project).iterdir()}
    results.unlink()
    with pytest.raises(UserError, match=rf"^results/{name} not found"):
        build_page(project)
    assert {p.name: p.read_bytes() for p in (project / PAGE_DIR).iterdir()} == before  # the last page stays
    assert [p.name for p in (project / PAGE_DIR).parent.iterdir()] == ["page"]  # no temporary folder left


def test_command_line(project: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["--root", str(project)]) == project / PAGE_DIR
    assert "build/release/page/index.html" in capsys.readouterr().out
    (project / "results" / "metrics.json").unlink()
    with pytest.raises(SystemExit) as exit_info:
        main(["--root", str(project)])
    error = capsys.readouterr().err
    assert exit_info.value.code == 1 and error.count("\n") == 1 and error.startswith("error: results/metrics.json")


def test_abstract_markdown_is_a_small_safe_subset() -> None:
    source = (
        "A *b* **c** `<d>` [e](https://x.org/?a=1&b=2) snake_case_name\nsame paragraph\n\n"
        "<script>alert(1)</script> [f](javascript:void) <!-- hidden -->"
    )
    assert markdown_to_html(source) == (
        '<p>A <em>b</em> <strong>c</strong> <code>&lt;d&gt;</code> <a href="https://x.org/?a=1&amp;b=2">e</a> '
        "snake_case_name same paragraph</p>\n<p>&lt;script&gt;alert(1)&lt;/script&gt; f</p>"
    )
