# Template-owned (mlrelease-template): `make template-update` replaces this file; keep your changes in your own files.
"""`make page`: the paper's project page, a static folder built from release.yaml, page/ and results/.

Inputs: release.yaml, page/abstract.md (Markdown the researcher writes), page/teaser.png or .jpg (optional),
results/metrics.json and results/benchmark.json. Output: build/release/page/ with index.html, style.css, page.js,
the teaser and social.png, the 1200×630 link preview (social_image.py). The page loads nothing from outside its
folder (no CDN, web font or analytics; a Content-Security-Policy makes the browser refuse any such request), so it
works offline and from any static host.

Link previews need absolute URLs: og:image is links.page_url + social.png when release.yaml sets page_url, else
the file in the page's Hub Space (where `make publish` puts it). The canonical link and og:url are written only
when page_url is set: without it the page may be served from the Space, its static host or GitHub Pages, and
naming one of them canonical could be wrong.

The HTML is templates/page.html.j2, which escapes every value; this module prepares what it shows: the Markdown
subset of the abstract (Markup built from escaped pieces), the JSON-LD, the bar chart's geometry and links that are
safe to follow. The results and speed tables are tables.py's, as the README and the model card show them.

`make stage` rebuilds build/release/ whole and calls `build_page`, so the page is rebuilt with it.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup
from PIL import Image

from .citation import bibtex, citation_model
from .cli import UserError, run
from .files import atomic_directory, atomic_write_text, read_text
from .gitrepo import TrackedTree
from .lock import release_lock
from .release_file import RELEASE_FILE, Author, Release
from .results import BENCHMARK_FILE, METRICS_FILE, Benchmark, Metrics
from .social_image import NAME as SOCIAL_IMAGE
from .social_image import SIZE as SOCIAL_SIZE
from .social_image import alt_text, write_social_image
from .space import page_space_card
from .tables import Table, results_table, speed_table
from .templating import escape, render

PAGE_DIR = Path("build/release/page")
PAGE_TEMPLATE = "page.html.j2"
ABSTRACT = "page/abstract.md"
TEASERS = ("page/teaser.png", "page/teaser.jpg")
ASSETS = "src/" + __package__.replace(".", "/") + "/page_assets"  # src/<package>/release_tools/page_assets
ASSET_FILES = ("style.css", "page.js")
BUTTONS = {"paper": "Paper (arXiv)", "code": "Code", "model": "Model", "dataset": "Dataset", "demo": "Demo"}
# Only the page's own files may load; a pasted CDN tag or tracking pixel is blocked and shows in the console.
CSP = "default-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'"
MARKDOWN_HELP = "Markdown: paragraphs, *emphasis*, **strong**, `code` and [links](https://example.org)"


def safe_url(url: Any, *, mailto: bool = False) -> str | None:
    """The URL if it is http(s) (or mailto:); a javascript: or data: link would run code when clicked."""
    schemes = ("https://", "http://", "mailto:") if mailto else ("https://", "http://")
    if isinstance(url, str) and url.strip().lower().startswith(schemes) and not re.search(r"\s", url.strip()):
        return url.strip()
    return None


# ---------------------------------------------------------------- Markdown, the small safe subset


_INLINE = re.compile(
    r"`(?P<code>[^`]+)`"
    r"|\[(?P<label>[^\]]+)\]\((?P<url>[^)\s]+)\)"
    r"|\*\*(?P<strong>.+?)\*\*|__(?P<strong_>.+?)__"
    r"|\*(?P<em>[^*\s][^*]*)\*|(?<!\w)_(?P<em_>[^_\s][^_]*)_(?!\w)"
)


def markdown_inline(text: str) -> Markup:
    """Code, links, strong and emphasis; everything else is escaped, so raw HTML shows as text."""
    parts, pos = [], 0
    for match in _INLINE.finditer(text):
        parts += [escape(text[pos : match.start()]), _inline_element(match)]
        pos = match.end()
    return Markup("").join([*parts, escape(text[pos:])])


def _inline_element(match: re.Match) -> Markup:
    # Markup.format keeps Markup as it is: the escaped text and the nested elements.
    if match["code"] is not None:
        return Markup("<code>{}</code>").format(escape(match["code"]))
    if match["url"] is not None:
        label, url = markdown_inline(match["label"]), safe_url(match["url"], mailto=True)
        return Markup('<a href="{}">{}</a>').format(escape(url), label) if url else label
    strong = match["strong"] or match["strong_"]
    if strong:
        return Markup("<strong>{}</strong>").format(markdown_inline(strong))
    return Markup("<em>{}</em>").format(markdown_inline(match["em"] or match["em_"]))


def markdown_paragraphs(text: str) -> list[str]:
    """Paragraphs (blank-line separated, lines joined) with HTML comments dropped, as Markdown hides them."""
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    blocks = (" ".join(line.strip() for line in block.strip().splitlines()) for block in re.split(r"\n\s*\n", text))
    return [block for block in blocks if block]


def markdown_to_html(text: str) -> Markup:
    return Markup("\n").join(Markup("<p>{}</p>").format(markdown_inline(p)) for p in markdown_paragraphs(text))


def markdown_to_text(text: str) -> str:
    """Plain text of the Markdown, for the JSON-LD abstract."""
    plain = (html.unescape(re.sub(r"<[^>]+>", "", markdown_inline(p))) for p in markdown_paragraphs(text))
    return "\n\n".join(plain)


# ---------------------------------------------------------------- inputs


def teaser_size(path: Path) -> tuple[int, int]:
    """Width and height, so the browser reserves the space before the image arrives."""
    try:
        with Image.open(path) as image:
            return image.size
    except OSError:  # PIL's UnidentifiedImageError included
        raise UserError(f"{path.name} in page/ is not a readable PNG or JPEG image; replace or remove it") from None


def tracked_input(tree: TrackedTree, relative: str) -> Path | None:
    """An optional input of the page: None when absent; refused when present but not tracked by git."""
    if not tree.has(relative) and not os.path.lexists(tree.root / relative):
        return None
    return tree.file(relative)


@dataclass(frozen=True)
class PageInputs:
    """Everything the page shows, read and checked before anything is written."""

    assets: dict[str, Path]  # style.css and page.js, as git tracks them
    release: Release
    metrics: Metrics
    benchmark: Benchmark
    abstract: str | None  # page/abstract.md's Markdown; None when absent or empty
    teaser: Path | None
    teaser_size: tuple[int, int] | None


def page_inputs(tree: TrackedTree, release: Release, metrics: Metrics, benchmark: Benchmark) -> PageInputs:
    """The page's own inputs (abstract, teaser, assets) from what git tracks, beside the records the caller read
    (`make stage` reads release.yaml and the results once, for every artifact)."""
    abstract_path = tracked_input(tree, ABSTRACT)
    abstract = read_text(abstract_path, ABSTRACT) if abstract_path else ""
    teaser = next((path for path in (tracked_input(tree, name) for name in TEASERS) if path), None)
    return PageInputs(
        assets={name: tree.file(f"{ASSETS}/{name}") for name in ASSET_FILES},
        release=release,
        metrics=metrics,
        benchmark=benchmark,
        abstract=abstract if markdown_paragraphs(abstract) else None,
        teaser=teaser,
        teaser_size=teaser_size(teaser) if teaser else None,
    )


def load_page_inputs(root: Path) -> PageInputs:
    """`make page`: release.yaml (as git tracks it) and the results the code wrote, then the page's own inputs."""
    tree = TrackedTree(root)
    tree.file(RELEASE_FILE)
    return page_inputs(tree, Release.load(root), Metrics.load(root), Benchmark.load(root))


def page_notes(inputs: PageInputs) -> list[str]:
    """One line per optional input that is missing: which file, and how to add it."""
    notes = []
    if inputs.abstract is None:
        notes.append(f"{ABSTRACT} not found or empty; write the abstract there ({MARKDOWN_HELP}) and build again")
    if inputs.teaser is None:
        notes.append(
            f"{TEASERS[0]} not found; the page shows a bar chart of results/metrics.json instead "
            f"(add {TEASERS[0]} or {TEASERS[1]} for your own figure)"
        )
    return notes


# ---------------------------------------------------------------- <head>


def canonical_url(release: Release) -> str | None:
    """links.page_url, the address the researcher serves the page at; None when the page has no address of its own."""
    return safe_url(release.links.page_url)


def shared_image_url(release: Release, name: str) -> str:
    """Where the published link preview lives; crawlers need an absolute URL. On the default Hub Space the
    file is served from the repository, elsewhere (links.page_url) beside index.html."""
    custom = canonical_url(release)
    if custom:
        return f"{custom.rstrip('/')}/{name}"
    return f"{release.artifact_links['page']}/resolve/main/{name}"


def meta_tags(release: Release, image: str, image_alt: str) -> list[tuple[str, str, str]]:
    """Search, social (Open Graph, X/Twitter) and Google Scholar (Highwire Press) metadata: (attribute, key, content)
    of each <meta> element, those without content left out."""
    title, description = release.title, release.description
    named = [("description", description), ("twitter:card", "summary_large_image")]
    named += [("twitter:title", title), ("twitter:description", description)]
    named += [("twitter:image", image), ("twitter:image:alt", image_alt)]
    named += [("citation_title", title)]
    for author in release.authors:
        named.append(("citation_author", author.name))
        named.append(("citation_author_institution", author.affiliation))
    named.append(("citation_publication_date", str(release.year)))
    if release.arxiv_id:
        named += [("citation_arxiv_id", release.arxiv_id)]
        named += [("citation_pdf_url", f"https://arxiv.org/pdf/{release.arxiv_id}")]
    properties = [("og:title", title), ("og:description", description), ("og:type", "article")]
    properties += [("og:url", canonical_url(release)), ("og:image", image), ("og:image:type", "image/png")]
    properties += [("og:image:width", str(SOCIAL_SIZE[0])), ("og:image:height", str(SOCIAL_SIZE[1]))]
    properties += [("og:image:alt", image_alt)]
    tags = [("name", key, value) for key, value in named if value]
    return tags + [("property", key, value) for key, value in properties if value]


def json_ld(release: Release, links: dict[str, str | None], abstract: str | None) -> Markup:
    """schema.org ScholarlyArticle, safe to embed in a <script> element (so Markup: HTML escapes would be read as
    part of the JSON there)."""

    def person(author: Author) -> dict[str, Any]:
        entry: dict[str, Any] = {"@type": "Person", "name": author.name}
        if author.affiliation:
            entry["affiliation"] = {"@type": "Organization", "name": author.affiliation}
        if author.orcid:
            entry["sameAs"] = f"https://orcid.org/{author.orcid}"
        return entry

    def work(kind: str, schema_type: str, name: str) -> dict[str, Any] | None:
        url = safe_url(links.get(kind))
        if not url:
            return None
        entry = {"@type": schema_type, "name": f"{release.title} ({name})", "url": url}
        return {**entry, "codeRepository": url} if schema_type == "SoftwareSourceCode" else entry

    # sameAs says "the same entity": only the paper itself (its arXiv page and DOI) is. The code, model and data
    # are works the article's results are derived from (isBasedOn); the demo realises its method (workExample).
    based_on = [
        work("code", "SoftwareSourceCode", "code"),
        work("model", "CreativeWork", "trained model"),
        work("dataset", "Dataset", "dataset"),
    ]
    demo = work("demo", "WebApplication", "demo")
    paper = citation_model(release)["paper"]
    data = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "name": release.title,
        "headline": release.title,
        "description": release.description,
        "abstract": markdown_to_text(abstract) if abstract else release.description,
        "author": [person(a) for a in release.authors],
        "datePublished": str(release.year),
        "url": safe_url(links["page"]),
        "isBasedOn": [entry for entry in based_on if entry],
        "workExample": [demo] if demo else [],
    }
    if paper:
        data["identifier"] = f"https://doi.org/{paper['doi']}"
        data["sameAs"] = [paper["url"], f"https://doi.org/{paper['doi']}"]
    text = json.dumps(data, ensure_ascii=False, indent=1)
    # "</script>" or "<!--" in a title would end the element early; \u003c is the same character to JSON.
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


# ---------------------------------------------------------------- <body>


def author_entries(authors: tuple[Author, ...]) -> tuple[list[dict[str, Any]], list[str]]:
    """Each author's name, affiliation number (when there is more than one affiliation) and contact links; and the
    affiliations in order of first appearance."""
    affiliations = list(dict.fromkeys(a.affiliation for a in authors if a.affiliation))
    entries = []
    for author in authors:
        numbered = len(affiliations) > 1 and author.affiliation
        entries.append(
            {
                "name": author.name,
                "number": affiliations.index(author.affiliation) + 1 if numbered else None,
                "email": safe_url(f"mailto:{author.email}", mailto=True) if author.email else None,
                "orcid": f"https://orcid.org/{author.orcid}" if author.orcid else None,
            }
        )
    return entries, affiliations


def venue_entry(venue: Any) -> dict[str, str | None] | None:
    """The venue as a link when it is one (shown without its scheme), else as text."""
    if not venue:
        return None
    url = safe_url(venue)
    return {"url": url, "text": re.sub(r"^https?://", "", url) if url else str(venue)}


def metric_label(name: str) -> str:
    return name.replace("_", " ")


def bar_chart(metrics: Metrics) -> dict[str, Any]:
    """The stand-in teaser: one horizontal bar per number in results/metrics.json, drawn to scale."""
    rows = [(metric_label(name), value) for name, value in metrics.values]
    top = max(1.0, *(value for _, value in rows))  # scores in [0, 1] keep a full-width scale
    # A narrow drawing, so its 15-unit text stays readable when a phone scales it down; labels get the room
    # their longest name needs (about 8.5 units a character).
    left, width, bar, gap = 20 + round(8.5 * max(len(name) for name, _ in rows)), 260, 28, 12
    bars = [
        {
            "name": name,
            "y": gap + i * (bar + gap),
            "middle": gap + i * (bar + gap) + bar / 2,
            "length": f"{max(0.0, value) / top * width:.1f}",
            "value": f"{value:.4f}",
        }
        for i, (name, value) in enumerate(rows)
    ]
    summary = ", ".join(f"{name} {value:.4f}" for name, value in rows)
    return {
        "label": f"Bar chart of the {metrics.split_name} results: {summary}",
        "view_width": left + width + 70,
        "height": gap + len(rows) * (bar + gap),
        "left": left,
        "width": width,
        "label_x": left - 10,  # names end left of the bars, values start right of them
        "value_x": left + width + 8,
        "bar": bar,
        "bars": bars,
    }


def captioned(table: Table, caption: str) -> dict[str, Any]:
    """A table of tables.py (the one the README and the model card show) with the page's caption; its first
    column heads its row (templates/page.html.j2 draws it)."""
    return {"caption": caption, "headers": table.headers, "rows": table.rows}


def results_caption(metrics: Metrics) -> str:
    count = "–" if metrics.num_examples is None else f"{metrics.num_examples:,}"
    return f"{metrics.split_name} split, {count} examples; from {METRICS_FILE}"


def speed_caption(benchmark: Benchmark) -> str:
    machine, torch_version = benchmark.machine or "unknown hardware", benchmark.libraries.get("torch", "?")
    return f"On {machine} ({benchmark.device}), torch {torch_version}; from {BENCHMARK_FILE}"


def speed_note(benchmark: Benchmark) -> str:
    return (
        f"{benchmark.parameters:,} parameters; peak memory "
        f"{benchmark.peak_memory_mb:,.1f} MB ({benchmark.memory_measure})."
    )


def license_entries(release: Release) -> list[dict[str, str | None]]:
    """Code, model and data licenses; an `other` license links to its text when release.yaml gives a safe link."""
    licenses = release.license

    def link(kind: str) -> str | None:
        custom = licenses.custom(kind)
        return safe_url(custom[1]) if custom else None

    return [
        {"kind": "Code", "label": licenses.code, "link": None},
        {"kind": "Model", "label": licenses.label("model"), "link": link("model")},
        {"kind": "Data", "label": licenses.label("data"), "link": link("data")},
    ]


def render_page(inputs: PageInputs) -> str:
    """The whole index.html: templates/page.html.j2 escapes every text from release.yaml and the abstract."""
    release, metrics, benchmark = inputs.release, inputs.metrics, inputs.benchmark
    links = release.artifact_links
    image = shared_image_url(release, SOCIAL_IMAGE)
    authors, affiliations = author_entries(release.authors)
    teaser = inputs.teaser
    return render(
        PAGE_TEMPLATE,
        csp=CSP,
        release=release,
        meta=meta_tags(release, image, alt_text(release, metrics, teaser)),
        canonical=canonical_url(release),
        json_ld=json_ld(release, links, inputs.abstract),
        authors=authors,
        affiliations=affiliations,
        venue=venue_entry(release.links.venue),
        buttons=[(label, url) for kind, label in BUTTONS.items() if (url := safe_url(links.get(kind)))],
        teaser={"src": teaser.name, "size": inputs.teaser_size} if teaser else None,
        chart=None if teaser else bar_chart(metrics),
        split=metrics.split_name,
        abstract=markdown_to_html(inputs.abstract) if inputs.abstract else None,
        abstract_file=ABSTRACT,
        markdown_help=MARKDOWN_HELP,
        results=captioned(results_table(metrics), results_caption(metrics)),
        speed=captioned(speed_table(benchmark), speed_caption(benchmark)),
        speed_note=speed_note(benchmark),
        bibtex=bibtex(release),
        licenses=license_entries(release),
    )


# ---------------------------------------------------------------- output


def write_page(inputs: PageInputs, folder: Path) -> None:
    """index.html, its assets, the teaser, the link preview, and the README.md that makes the folder a static Space."""
    os.chmod(folder, 0o755)  # a temporary directory is private; a web server needs to read the page
    atomic_write_text(folder / "index.html", render_page(inputs))
    for name, source in inputs.assets.items():
        shutil.copyfile(source, folder / name)
    if inputs.teaser:
        shutil.copyfile(inputs.teaser, folder / inputs.teaser.name)
    write_social_image(folder, inputs.release, inputs.metrics, inputs.teaser)
    atomic_write_text(folder / "README.md", str(page_space_card(inputs.release)))


def build_page(root: Path = Path("."), out: Path | None = None) -> Path:
    """`make page`: write the page folder (default build/release/page/) whole or not at all; returns it."""
    root = Path(root)
    out = Path(out) if out else root / PAGE_DIR
    with release_lock(root, "make page"):
        inputs = load_page_inputs(root)
        with atomic_directory(out) as staging:
            write_page(inputs, staging)
    for note in page_notes(inputs):
        print(f"note: {note}", file=sys.stderr)
    return out


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description="Build the project page build/release/page/ from release.yaml.")
    parser.add_argument("--root", default=".", help="project root (default: current directory)")
    args = parser.parse_args(argv)
    root = Path(args.root)
    out = run(lambda: build_page(root))
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        print(f"{path.relative_to(root)}  {path.stat().st_size:,} bytes")
    print(f"open {(out / 'index.html').relative_to(root)} in a browser to see the page")
    return out


if __name__ == "__main__":
    main()
