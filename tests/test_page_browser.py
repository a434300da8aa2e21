"""The project page of a hostile project in headless Chromium: it renders on desktop and phone, runs its script
without a console message, requests nothing outside its folder, and shows and declares the exact text."""

from __future__ import annotations

import functools
import html
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import bibtexparser
import pytest
from bibtexparser.middlewares import LatexDecodingMiddleware
from conftest import commit_all, make, render
from PIL import Image
from test_answers import AUTHORS, DESCRIPTION, HOSTILE, TITLE

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not on PATH (CI: apt-get install -y chromium)")
# Markdown and HTML a researcher might paste: the page must show it as text, load nothing and run nothing.
ABSTRACT = (
    'Hostile <img src="https://example.org/pixel.png"> and <script>alert("x")</script> with '
    "[a bad link](javascript:alert(1)), *emphasis* and `code`.\n\nSecond paragraph: {{ braces }} 日本語 🚀.\n"
)
SIZES = {"desktop": (1280, 900), "phone": (390, 844)}


class Page(HTMLParser):
    """Tags with their attributes and the text inside each, in document order."""

    VOID = {"meta", "link", "img", "br", "hr", "input"}

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict, list[str]]] = []
        self.open: list[tuple[str, dict, list[str]]] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.elements.append((tag, dict(attrs), []))
        if tag not in self.VOID:
            self.open.append(self.elements[-1])

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self.elements.append((tag, dict(attrs), []))

    def handle_endtag(self, tag: str) -> None:
        while self.open and self.open.pop()[0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        for _, _, text in self.open:
            text.append(data)

    def text(self, tag: str, **attrs: str) -> list[str]:
        return ["".join(t) for name, a, t in self.elements if name == tag and attrs.items() <= a.items()]

    def attrs(self, tag: str) -> list[dict]:
        return [a for name, a, _ in self.elements if name == tag]

    def meta(self, key: str) -> list[str]:
        return [a["content"] for a in self.attrs("meta") if key in (a.get("name"), a.get("property"))]


@contextmanager
def serve(folder: Path) -> Iterator[tuple[str, list[tuple[str, int]]]]:
    """A loopback HTTP server for `folder` that records every request it answers."""
    requests: list[tuple[str, int]] = []

    class Handler(SimpleHTTPRequestHandler):
        def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
            requests.append((self.path, int(code)))

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", requests
    finally:
        server.shutdown()
        server.server_close()


def chromium(profile: Path, *args: str) -> subprocess.CompletedProcess:
    """Headless Chromium with a fresh profile; console messages go to stderr."""
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        "--enable-logging=stderr",
        "--v=0",
        # Every host but the test server fails to resolve, so a request leaving the folder cannot succeed
        # and shows as a console message.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        *args,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A hostile project through data, a one-epoch training run, eval, benchmark, cards and the page."""
    root = render(tmp_path_factory.mktemp("browser") / "project", HOSTILE)
    (root / "page" / "abstract.md").write_text(ABSTRACT, encoding="utf-8")
    commit_all(root, "abstract")  # the page is built from what git tracks
    for target in (["data"], ["train", "ARGS=train.epochs=1"], ["eval"], ["benchmark"], ["cards"]):
        done = make(root, *target)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    done = subprocess.run(
        [sys.executable, "-m", "release_tools.page"],
        cwd=root,
        env={**env, "PYTHONPATH": str(root / "src")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith("note: page/teaser.png not found"), done.stderr  # the chart stands in
    return root


@pytest.fixture(scope="module")
def browsed(project: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The DOM after scripts ran, desktop and phone screenshots, console lines and the requests served."""
    folder = project / "build" / "release" / "page"
    shots = tmp_path_factory.mktemp("screenshots")
    with serve(folder) as (url, requests):
        page = url + "index.html"
        runs = [chromium(shots / "profile-dom", "--window-size=1280,900", "--dump-dom", page)]
        for name, (width, height) in SIZES.items():
            screenshot = f"--screenshot={shots / f'{name}.png'}"
            runs.append(chromium(shots / f"profile-{name}", f"--window-size={width},{height}", screenshot, page))
    console = [line for run in runs for line in run.stderr.splitlines() if ":CONSOLE" in line]
    return {"dom": runs[0].stdout, "console": console, "requests": requests, "shots": shots, "folder": folder}


def test_no_console_message_and_no_request_outside_the_folder(browsed: dict) -> None:
    # page.js logs nothing, so any console line is a script error, a blocked load or a failed request.
    assert browsed["console"] == []
    files = {f"/{p.name}" for p in browsed["folder"].iterdir()}
    assert {path for path, _ in browsed["requests"]} <= files
    assert {"/index.html", "/style.css", "/page.js"} <= {path for path, code in browsed["requests"] if code == 200}
    page = Page(browsed["dom"])
    for tag, attrs, _ in page.elements:
        if tag in ("script", "img", "link", "iframe", "source", "video", "audio"):
            for url in filter(None, (attrs.get("src"), attrs.get("href"))):
                assert not re.match(r"(?i)(https?:)?//", url), (tag, url)
    assert page.attrs("img") == [] and len(page.attrs("script")) == 2  # the abstract's tags stayed text


def test_page_shows_and_declares_the_exact_text(project: Path, browsed: dict) -> None:
    source = (browsed["folder"] / "index.html").read_text(encoding="utf-8")
    assert html.escape(TITLE) in source and '<script>alert("x")</script>' not in source
    page = Page(browsed["dom"])
    assert page.text("title")[0] == page.text("h1")[0] == TITLE  # the first <title> is the document's
    assert page.meta("og:title") == page.meta("twitter:title") == page.meta("citation_title") == [TITLE]
    assert page.meta("description") == page.meta("og:description") == [DESCRIPTION]
    assert page.meta("citation_author") == [a["name"] for a in AUTHORS]
    assert page.meta("citation_arxiv_id") == [HOSTILE["arxiv_id"]]
    record = json.loads(page.text("script", type="application/ld+json")[0])
    assert record["name"] == TITLE and [a["name"] for a in record["author"]] == [a["name"] for a in AUTHORS]
    main = page.text("main")[0]
    assert '<script>alert("x")</script>' in main and "{{ braces }} 日本語 🚀" in main
    assert page.text("em") == ["emphasis"] and "javascript:" not in browsed["dom"]
    assert all("hidden" not in attrs for attrs in page.attrs("button"))  # page.js ran and showed the copy button


def test_bibtex_block_parses_back_to_the_title_and_authors(browsed: dict) -> None:
    block = Page(browsed["dom"]).text("pre", id="bibtex")[0]
    entry = bibtexparser.parse_string(block, append_middleware=[LatexDecodingMiddleware()]).entries[0]
    # pylatexenc decodes \textasciicircum to the modifier letter; LaTeX prints a plain caret.
    assert entry["title"].replace("\u02c6", "^") == TITLE
    assert entry["author"].replace("\u02c6", "^") == " and ".join(a["name"] for a in AUTHORS)
    assert entry["eprint"] == HOSTILE["arxiv_id"]


@pytest.mark.parametrize("name", SIZES)
def test_screenshots_show_a_rendered_page(browsed: dict, name: str) -> None:
    path = browsed["shots"] / f"{name}.png"
    assert path.stat().st_size > 20_000, path
    with Image.open(path) as image:
        assert image.size == SIZES[name]
        colors = image.convert("RGB").getcolors(maxcolors=1 << 16)
        assert colors is None or len(colors) > 50, f"{path} is nearly blank"
