"""Template-owned tests of release integrity: a strict release.yaml, staging only what git tracks, one release
command at a time, no secrets in what is published, and behaviour checks that use the staged release as its users
will.

No secret-looking value is written literally in this file: each is put together at run time, so this project's
own secret scanning (make check-release, the pre-commit hooks) never finds one here.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from huggingface_hub import DatasetCard, ModelCard
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from release_helpers import copy_project, git

from release_tools.cards import render_dataset_card, render_model_card
from release_tools.check import check_release
from release_tools.citation import bibtex, citation_cff
from release_tools.cli import UserError
from release_tools.contract import load_contract
from release_tools.files import read_json_object
from release_tools.gitrepo import tree_state
from release_tools.lock import release_lock
from release_tools.page import render_page
from release_tools.readme_blocks import metric_rows, render_readme
from release_tools.release_file import license_label, load_release, metric_tolerance, release_links, release_tag
from release_tools.space import page_space_card, space_card
from release_tools.stage import BUILD, build_release, render_announcement, staged_split_rows

ROOT = Path(__file__).resolve().parents[1]
BASE_TEXT = (ROOT / "release.yaml").read_text(encoding="utf-8")
BASE = yaml.safe_load(BASE_TEXT)
# Put together at run time (see the module docstring).
AWS_KEY = "AKIA" + "Z7Q3WX9R2LKD5M8P"
GITHUB_TOKEN = "ghp" + "_" + "k3J9xQ2mV7pL5tR8wZ1nB4cF6hY0dS2gA9eU"


def one_line_error(message: str) -> str:
    assert message and "\n" not in message and "\r" not in message, message
    return message


# ---------------------------------------------------------------- strict release.yaml


def with_field(dotted: str, value) -> dict:
    """A copy of the release metadata with one field set (or removed, for `...`)."""
    data = copy.deepcopy(BASE)
    node = data
    *parents, leaf = dotted.split(".")
    for part in parents:
        node = node.setdefault(part, {})
    if value is ...:
        node.pop(leaf, None)
    else:
        node[leaf] = value
    return data


def as_bytes(content: bytes | str | dict) -> bytes:
    if isinstance(content, dict):
        content = yaml.safe_dump(content, allow_unicode=True, sort_keys=False)
    return content.encode("utf-8") if isinstance(content, str) else content


def refused(folder: Path, content: bytes | str | dict) -> str:
    (folder / "release.yaml").write_bytes(as_bytes(content))
    with pytest.raises(UserError) as info:
        load_release(folder)
    return one_line_error(str(info.value))


def title_line() -> int:
    return next(i for i, line in enumerate(BASE_TEXT.splitlines(), 1) if line.startswith("title:"))


ALIAS_BOMB = "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n"
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True)
)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            BASE_TEXT.encode().replace(b"title: ", b"title: \xff", 1),
            rf"^release\.yaml line {title_line()}: byte 0xff is not UTF-8; save the file as UTF-8$",
        ),
        (BASE_TEXT.encode("utf-16"), r"^release\.yaml line 1: byte 0xff is not UTF-8; save the file as UTF-8$"),
        (
            'a: &a ["lol", "lol"]\n' + ALIAS_BOMB + BASE_TEXT.replace("  tags: [", "  tags: *i\n  old_tags: [", 1),
            r"^release\.yaml line 1: YAML anchors and aliases \(&name, \*name\) are not allowed; write the value out$",
        ),
        (
            BASE_TEXT.replace("title: ", "title: &t ", 1),
            rf"^release\.yaml line {title_line()}: YAML anchors and aliases .* write the value out$",
        ),
        (BASE_TEXT + "oops: [unclosed\n", r"^release\.yaml is not valid YAML at line \d+; fix the syntax there$"),
        (with_field("title", "T" * 200_000), r"field 'title' is 200,000 characters; at most 300 are allowed$"),
        (with_field("description", "d" * 501), r"field 'description' is 501 characters; at most 500 are allowed$"),
        (with_field("title", "two\nlines"), r"field 'title' must be one line of text without control characters$"),
        (
            with_field("authors", [{"name": "N" * 201, "affiliation": "Lab"}]),
            r"field 'authors\[0\]\.name' is 201 characters; at most 200",
        ),
        (
            with_field("authors", [{"name": "Ada", "affiliation": "A" * 301}]),
            r"field 'authors\[0\]\.affiliation' is 301 characters; at most 300",
        ),
        (
            with_field("links.page_url", "javascript:alert(document.cookie)"),
            r"field 'links\.page_url' is 'javascript:alert\(document\.cookie\)'; use an https:// URL",
        ),
        (with_field("links.code", "http://github.com/a/b"), r"field 'links\.code' is .*; use an https:// URL"),
        (
            with_field(
                "license", {**BASE["license"], "model": "other", "model_name": "lab", "model_link": "javascript:x()"}
            ),
            r"field 'license\.model_link' is 'javascript:x\(\)'; use an https:// URL or a file name",
        ),
        (
            with_field("hub.page", BASE["hub"]["demo"]),
            rf"field 'hub\.page' is {BASE['hub']['demo']}, the same repository as hub\.demo; give each repository its own name$",
        ),
        (
            with_field("hub.dataset", BASE["hub"]["model"].upper()),
            r"field 'hub\.dataset' is .*, the same repository as hub\.model",
        ),
        (
            with_field("hub.namespace", ...),
            r"field 'hub\.namespace' is missing or not a str; set the Hugging Face user or organisation",
        ),
        (with_field("hub.namespace", "my lab"), r"field 'hub\.namespace' is 'my lab'; use a Hugging Face user"),
        (
            with_field("model.tags", "image-classification"),
            r"field 'model\.tags' is missing or not a list; use a YAML list of strings",
        ),
        (with_field("model.tags", ["ok", 7]), r"field 'model\.tags\[1\]' is 7; every item must be a non-empty string$"),
        (with_field("model.tags", [["nested"]]), r"field 'model\.tags\[0\]' is \['nested'\]; every item must be"),
        (with_field("model.tags", ["t" * 101]), r"field 'model\.tags\[0\]' is 101 characters; at most 100"),
        (with_field("model.tags", ["t"] * 101), r"field 'model\.tags' has 101 items; at most 100 are allowed$"),
        (with_field("version", "1.0"), r"field 'version' is '1\.0'; use MAJOR\.MINOR\.PATCH like 0\.1\.0"),
        (
            with_field("version", 1.5),
            r"field 'version' is missing or not a str; set a version like 0\.1\.0 \(quote it\)",
        ),
        (with_field("checks.metric_tolerance", 2), r"field 'checks\.metric_tolerance' is 2; use the largest accepted"),
        (with_field("checks", "loose"), r"field 'checks' must be a mapping"),
    ],
    ids=[
        "not-utf8",
        "utf16",
        "alias-bomb",
        "anchor",
        "syntax",
        "huge-title",
        "long-description",
        "multiline-title",
        "long-author",
        "long-affiliation",
        "javascript-url",
        "http-url",
        "license-link",
        "page-is-demo",
        "same-repo-other-case",
        "no-namespace",
        "bad-namespace",
        "tags-not-a-list",
        "tag-not-a-string",
        "tag-is-a-list",
        "long-tag",
        "too-many-tags",
        "bad-version",
        "version-not-a-string",
        "tolerance-range",
        "checks-not-a-mapping",
    ],
)
def test_release_yaml_errors_are_one_line_with_the_fix(tmp_path: Path, content, expected: str) -> None:
    message = refused(tmp_path, content)
    assert message.startswith("release.yaml")
    assert re.search(expected, message), message


@pytest.mark.parametrize(
    ("written", "normal"),
    [
        ("0.1.0", "0.1.0"),
        ("01.2.3", "1.2.3"),
        ("1.0.0-rc1", "1.0.0rc1"),
        ("1.0.0.rc1", "1.0.0rc1"),
        ("2.0.0-post1", "2.0.0.post1"),
    ],
)
def test_version_is_normalised_to_pep_440(tmp_path: Path, written: str, normal: str) -> None:
    (tmp_path / "release.yaml").write_bytes(as_bytes(with_field("version", written)))
    release = load_release(tmp_path)
    assert release["version"] == normal and release_tag(release) == f"v{normal}"
    assert yaml.safe_load(citation_cff(release, "https://example.org"))["version"] == normal


def test_the_project_release_yaml_is_valid_and_compares_exactly() -> None:
    release = load_release(ROOT)
    assert metric_tolerance(release) == 0.0
    assert metric_tolerance(with_field("checks.metric_tolerance", 1e-4)) == 1e-4
    assert metric_tolerance(with_field("checks", ...)) == 0.0


# ---------------------------------------------------------------- property: a one-line error or a correct release


def node_paths(node, prefix: tuple = ()) -> list[tuple]:
    """Every key path in the metadata: ('title',), ('authors', 0, 'name'), ..."""
    found = []
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    for key, child in children:
        found += [(*prefix, key), *node_paths(child, (*prefix, key))]
    return found


PATHS = [*node_paths(BASE), ("checks",), ("links", "venue"), ("license", "model_name"), ("license", "data_link")]
URLS = [
    "https://example.org/paper",
    "https://",
    "http://example.org",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<b>x</b>",
    "https://a b",
    'https://x.org/"><script>',
    "//example.org",
    "LICENSE.model.md",
    "../../etc/passwd",
]
WORDS = [
    "0.1.0",
    "01.2.3",
    "1.0.0-rc1",
    "1.0",
    "v1",
    "1!1.0.0",
    "1.0.0+local",
    "yes",
    "null",
    "~",
    "2501.01234",
    "other",
]
WORDS += ["mit", "my-lab", "my-lab/model", "a--b", "-x", "image-classification", "digits2026", "3.11", "🔢", ""]
TEXT = st.text(max_size=30)
LONG = st.integers(0, 600).map(lambda n: "é" * n)  # around the text limits, two bytes a character
ODD = st.sampled_from(["\x00", "a\tb", "line\nbreak", "\x85", "\u2028", "\ufeff", "\x1b[31mred", " ", "#", "{{ x }}"])
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(),
    TEXT,
    LONG,
    ODD,
    st.sampled_from(URLS + WORDS),
)
VALUES = st.one_of(
    SCALARS,
    st.lists(SCALARS, max_size=4),
    st.integers(99, 101).map(lambda n: ["tag"] * n),
    st.dictionaries(st.sampled_from(["name", "affiliation", "email", "orcid", "code", "x"]), SCALARS, max_size=3),
)
WORD_LISTS = st.lists(st.one_of(TEXT, st.sampled_from(WORDS)), max_size=5)


def alike(original) -> st.SearchStrategy:
    """Values of the type the field has, so that many mutated files are valid and get rendered."""
    if isinstance(original, str) or original is None:
        return st.one_of(TEXT, LONG, ODD, st.sampled_from(URLS + WORDS), st.text(st.characters(codec="utf-8")))
    if isinstance(original, bool):
        return st.booleans()
    if isinstance(original, int | float):
        return st.one_of(st.integers(-1, 3000), st.floats(-1, 10))
    if isinstance(original, list):
        return WORD_LISTS
    return VALUES


def at(node, path: tuple):
    for key in path:
        node = node[key]
    return node


@st.composite
def mutation(draw) -> tuple[tuple, object]:
    """(path, new value), or (path, ...) to remove the field."""
    path = draw(st.sampled_from(PATHS))
    kind = draw(st.sampled_from(["alike", "alike", "alike", "any", "remove"]))
    if kind == "remove":
        return path, ...
    if kind == "any":
        return path, draw(VALUES)
    try:
        original = at(BASE, path)
    except (KeyError, IndexError):
        original = None
    return path, draw(alike(original))


# Fields of free text, and text without control characters: most such files are valid and must render.
PRINTABLE = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=80)
FREE_TEXT = {
    ("title",): PRINTABLE,
    ("description",): PRINTABLE,
    ("authors", 0, "name"): PRINTABLE,
    ("authors", 0, "affiliation"): PRINTABLE,
    ("authors", 0, "email"): PRINTABLE,
    ("model", "tags"): st.lists(PRINTABLE.map(lambda t: t[:100]), max_size=4),
    ("links", "venue"): PRINTABLE.map(lambda t: "https://example.org/" + t),
    ("links", "page_url"): st.sampled_from(URLS),
    ("arxiv_id",): st.sampled_from([None, "2501.01234", "2501.01234v3", "9912.12345"]),
}
FREE = st.sampled_from(sorted(FREE_TEXT, key=str)).flatmap(lambda path: st.tuples(st.just(path), FREE_TEXT[path]))
MUTATIONS = st.lists(st.one_of(mutation(), FREE), min_size=1, max_size=3)
# How the mutated metadata is written: mostly as UTF-8 YAML, else in another encoding, with anchors, or damaged.
FORMS = st.sampled_from(["utf-8"] * 8 + ["utf-8-sig", "latin-1", "utf-16", "anchor", "bomb", "cut", "byte"])


def child(node, key):
    """node[key] when it exists (the mutations before may have changed the node's type), else None."""
    if isinstance(node, dict):
        return node.get(key)
    if isinstance(node, list) and isinstance(key, int) and key < len(node):
        return node[key]
    return None


def mutated(changes: list[tuple[tuple, object]]) -> dict:
    """The metadata with each (path, value) applied: set, or removed for `...`; paths gone by then are skipped."""
    data = copy.deepcopy(BASE)
    for path, value in changes:
        parent = data
        for key in path[:-1]:
            parent = child(parent, key)
        key = path[-1]
        if child(parent, key) is None and not isinstance(parent, dict):
            continue
        if value is not ...:
            parent[key] = copy.deepcopy(value)
        elif isinstance(parent, dict):
            parent.pop(key, None)
        else:
            parent.pop(key)
    return data


def written(data: dict, form: str, position: int) -> bytes:
    """The bytes of a release.yaml holding `data`, written in `form` (FORMS); `position` places a cut or a bad byte."""
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000)
    raw = text.encode("utf-8")
    at = position % (len(raw) + 1)
    if form in ("utf-8-sig", "latin-1", "utf-16"):
        return text.encode(form, errors="replace")
    if form == "anchor":
        return raw + b"shared: &shared [a, b]\nagain: *shared\n"
    if form == "bomb":
        return raw + b'a: &a ["lol", "lol"]\n' + ALIAS_BOMB.encode()
    if form == "cut":
        return raw[:at]
    if form == "byte":
        return raw[:at] + b"\x80" + raw[at:]
    return raw


@pytest.fixture(scope="module")
def render_inputs(staged_release: Path) -> dict:
    """What rendering needs besides release.yaml: the fixture's results, run record and README, and this project's
    card and announcement templates."""
    results = staged_release / "results"
    return {
        "metrics": read_json_object(results / "metrics.json", ""),
        "benchmark": read_json_object(results / "benchmark.json", ""),
        "run": read_json_object(staged_release / "checkpoints" / "latest" / "run.json", ""),
        "readme": (staged_release / "README.md").read_text(encoding="utf-8"),
        "manifest": read_json_object(staged_release / "data" / "manifest.json", ""),
        "rows": staged_split_rows(staged_release / BUILD / "dataset" / "data"),
        "assets": {},
    }


def render_everything(release: dict, inputs: dict) -> None:
    """Every renderer that reads release.yaml; the metadata must come back exactly where it is parsed again."""
    links = release_links(release)
    assert release_tag(release) == f"v{release['version']}" and links["model"].startswith("https://huggingface.co/")
    assert license_label(release, "model") and license_label(release, "data")
    assert 0 <= metric_tolerance(release) <= 1
    render_readme(inputs["readme"], release, inputs["metrics"], inputs["benchmark"])
    assert yaml.safe_load(citation_cff(release, links["model"]))["title"] == release["title"]
    assert release["citation_key"] in bibtex(release)
    card = render_model_card(ROOT, release, inputs["metrics"], inputs["benchmark"], inputs["run"])
    assert ModelCard(str(card)).data.model_name == release["title"]
    dataset = render_dataset_card(ROOT, release, inputs["rows"], inputs["manifest"])
    assert DatasetCard(str(dataset)).data.pretty_name == release["title"]
    assert space_card(release).data.title == page_space_card(release).data.title == release["title"]
    page = {**inputs, "release": release, "abstract": None, "teaser": None, "teaser_size": None}
    assert "<h1>" in render_page(page)
    tree = SimpleNamespace(file=lambda relative: ROOT / relative)
    render_announcement(ROOT, {**inputs, "release": release, "tree": tree})


@settings(max_examples=60, deadline=None, database=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(changes=MUTATIONS, form=FORMS, position=st.integers(0, 10_000))
def test_any_release_yaml_gives_one_line_or_a_release_that_renders(
    render_inputs: dict, tmp_path_factory: pytest.TempPathFactory, changes, form: str, position: int
) -> None:
    """Types, lengths, encodings, anchors, URLs and missing keys: load_release refuses with one line (and so does
    the checklist), or what it accepts renders into every card, page and citation without an error."""
    folder = tmp_path_factory.mktemp("mutated", numbered=True)
    (folder / "release.yaml").write_bytes(written(mutated(changes), form, position))
    try:
        release = load_release(folder)
    except UserError as exc:
        assert one_line_error(str(exc)).startswith("release.yaml")
        event("refused")  # --hypothesis-show-statistics counts the outcomes
        items = check_release(folder, behaviour=False)  # the checklist reads the same file: ✗ items, one line each
        assert any(i.status == "fail" for i in items) and all(one_line_error(i.line()) for i in items)
        return
    event("rendered")
    render_everything(release, render_inputs)


# ---------------------------------------------------------------- staging from git


@pytest.fixture
def project(staged_release: Path, tmp_path: Path) -> Path:
    return copy_project(staged_release, tmp_path / "project")


def package_of(root: Path) -> str:
    return yaml.safe_load((root / "release.yaml").read_text(encoding="utf-8"))["package"]


def staged(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in (root / BUILD).rglob("*") if p.is_file()}


def test_untracked_and_ignored_files_are_never_staged(project: Path) -> None:
    package = package_of(project)
    (project / "src" / package / "extra.py").write_text("X = 1\n")
    (project / "src" / package / ".env").write_text("API_TOKEN=not-for-the-hub\n")  # ignored by .gitignore
    build_release(project)
    space = project / BUILD / "space"
    tracked = git(project, "ls-files", f"src/{package}").split()
    assert sorted(p.relative_to(space).as_posix() for p in (space / package).rglob("*") if p.is_file()) == sorted(
        Path(name).relative_to("src").as_posix() for name in tracked
    )
    assert not any(b"not-for-the-hub" in data for data in staged(project).values())
    state = tree_state(project)
    assert state.dirty and state.untracked == [f"src/{package}/extra.py"] and state.changed == []
    (project / "src" / package / "extra.py").unlink()
    assert not tree_state(project).dirty  # the ignored .env never counts


@pytest.mark.parametrize("where", ["working-tree", "git", "folder"])
def test_a_symbolic_link_is_refused_with_one_line(project: Path, tmp_path: Path, where: str) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "abstract.md").write_text("root:x:0:0:host file outside the project\n")
    before = staged(project)
    abstract = project / "page" / "abstract.md"
    if where == "folder":
        for path in (project / "page").iterdir():
            path.unlink()
        (project / "page").rmdir()
        (project / "page").symlink_to(outside, target_is_directory=True)
        expected = r"^page is a symbolic link; .*replace it with the real file or folder$"
    else:
        abstract.unlink()
        abstract.symlink_to(outside / "abstract.md")
        expected = r"^page/abstract\.md is a symbolic link; .*replace it with the real file or folder$"
        if where == "git":
            git(project, "add", "page/abstract.md")
            git(project, "commit", "-q", "--no-verify", "-m", "abstract as a link")
            expected = r"^page/abstract\.md is a symbolic link in git; .*commit the real file$"
    with pytest.raises(UserError, match=expected) as info:
        build_release(project)
    one_line_error(str(info.value))
    assert staged(project) == before  # the last staged release stays whole


def largest_checkpoint_file(root: Path) -> str:
    """The evaluated checkpoint's largest file (the weights, as a rule), relative to the checkpoint."""
    metrics = json.loads((root / "results" / "metrics.json").read_text())
    folder = root / metrics["checkpoint"]
    return max(metrics["checkpoint_files"], key=lambda name: ((folder / name).stat().st_size, name))


def tamper_weights(root: Path) -> str:
    checkpoint = json.loads((root / "results" / "metrics.json").read_text())["checkpoint"]
    name = largest_checkpoint_file(root)
    weights = root / checkpoint / name
    data = weights.read_bytes()
    weights.write_bytes(data[:-1] + (b"\1" if data.endswith(b"\0") else b"\0"))
    return rf"{re.escape(name)} differs from the file results/metrics\.json was computed with; run `make eval` again$"


def tamper_example(root: Path) -> str:
    """Edit the first example input the demo ships; produced under data/examples/, it is bound by the manifest."""
    package = yaml.safe_load((root / "release.yaml").read_text(encoding="utf-8"))["package"]
    examples = [p for p in load_contract(package).example_files(root) if p.parent == root / "data" / "examples"]
    if not examples:
        pytest.skip("release_api.EXAMPLES are not produced under data/examples/ (git tracks them instead)")
    examples[0].write_bytes(b"edited")
    return (
        rf"data/examples/{re.escape(examples[0].name)} does not match its checksum in .*data/manifest\.json "
        r"\(corrupt or edited\); run `make data`"
    )


def empty_manifest(root: Path) -> str:
    manifest = json.loads((root / "data" / "manifest.json").read_text())
    (root / "data" / "manifest.json").write_text(json.dumps({**manifest, "files": {}}))
    return r"data/manifest\.json lists no data files, so the dataset would be empty; run `make data`$"


@pytest.mark.parametrize(
    "tamper", [tamper_example, empty_manifest, tamper_weights], ids=["example", "empty-manifest", "weights"]
)
def test_produced_files_are_bound_by_their_hashes(project: Path, tamper) -> None:
    before = staged(project)
    expected = tamper(project)
    with pytest.raises(UserError, match=expected) as info:
        build_release(project)
    one_line_error(str(info.value))
    assert staged(project) == before


def test_leftovers_of_a_killed_run_are_removed(project: Path) -> None:
    build = (project / BUILD).parent
    for name in (".release.k1ll3d.partial", ".release.0ld.old"):
        (build / name / "model").mkdir(parents=True)
        (build / name / "model" / "half.bin").write_bytes(b"\0" * 64)
    build_release(project)
    assert sorted(p.name for p in build.iterdir() if p.name.startswith(".release.")) == [
        ".release.lock"  # the lock file stays; it holds nothing once its process ends
    ]


def test_one_release_command_at_a_time(project: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    command = [sys.executable, "-m", "release_tools.stage", "--root", str(project)]
    with release_lock(project, "make publish"):
        build_release(project)  # the holder itself may stage (make publish does)
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    error = one_line_error(done.stderr.strip())
    assert error.startswith("error: another release command is running in this project (make publish, process ")
    assert f"process {os.getpid()}," in error and error.endswith("then run make cards again")
    assert not (project / BUILD).parent.joinpath(".release.lock.owner").exists()  # released with the lock


# ---------------------------------------------------------------- secrets


def named(items, prefix: str):
    return next(i for i in items if i.name.startswith(prefix))


def test_secrets_in_staged_files_are_named_never_shown(project: Path) -> None:
    (project / BUILD / "page" / "notes.txt").write_text(f"deploy notes\naws = {AWS_KEY}\n")
    (project / BUILD / "ANNOUNCEMENT.md").write_text(f"Thanks!\n\nPosted with {GITHUB_TOKEN}\n")
    items = check_release(project, behaviour=False)
    found = named(items, "no secrets in the files to publish")
    assert found.status == "fail"
    assert "build/release/ANNOUNCEMENT.md line 3: GitHub Token" in found.detail
    assert "build/release/page/notes.txt line 2: AWS Access Key" in found.detail
    assert "revoke it" in found.detail
    output = "\n".join(i.line() for i in items)
    assert AWS_KEY not in output and GITHUB_TOKEN not in output
    assert AWS_KEY[4:] not in output and GITHUB_TOKEN[4:] not in output  # nor a part of one


def test_a_secret_in_a_tracked_file_that_is_not_staged_is_a_warning(project: Path) -> None:
    (project / "notebooks").mkdir()
    (project / "notebooks" / "scratch.py").write_text(f'import os\n\nKEY_ID = "{AWS_KEY}"\n')
    git(project, "add", "notebooks/scratch.py")
    items = check_release(project, behaviour=False)
    found = named(items, "no secrets in files git tracks")
    assert found.status == "warn", found
    assert "notebooks/scratch.py line 3: AWS Access Key" in found.detail and AWS_KEY not in found.detail
    assert named(items, "no secrets in the files to publish").status == "ok"
    assert all(i.status != "fail" for i in items)  # a warning never fails the check


# ---------------------------------------------------------------- behaviour of the staged release


def behaviour_items(root: Path) -> dict[str, object]:
    items = check_release(root)
    return {key: items[-4 + i] for i, key in enumerate(("model", "evaluation", "dataset", "demo"))}


def test_hand_edited_numbers_fail_the_evaluation(project: Path) -> None:
    metrics = json.loads((project / "results" / "metrics.json").read_text())
    name, value = metric_rows(metrics)[0]
    metrics[name] = round(value + 0.01 if value <= 0.5 else value - 0.01, 6)
    (project / "results" / "metrics.json").write_text(json.dumps(metrics))
    build_release(project)  # the cards now agree with the edited file: only a re-run can tell
    items = check_release(project)
    assert named(items, "model-index equals results/metrics.json").status == "ok"
    found = behaviour_items(project)
    assert found["evaluation"].status == "fail", found["evaluation"]
    assert f"reported {metrics[name]:.6f}" in found["evaluation"].detail
    assert "were not written by make eval for this checkpoint: run make eval" in found["evaluation"].detail
    assert [found[k].status for k in ("model", "dataset", "demo")] == ["ok", "ok", "ok"]  # from build/.checks/


def test_each_broken_part_of_the_staged_release_fails_its_own_check(project: Path) -> None:
    """Three defects at once (one probe run for all, as each probe costs seconds); each item names its own cause."""
    for path in (project / BUILD / "model").iterdir():  # a model folder with nothing from_pretrained could load
        if path.is_dir():
            shutil.rmtree(path)
        elif path.name != "README.md":
            path.unlink()
    (project / BUILD / "dataset" / "data" / "test.parquet").unlink()
    app = project / BUILD / "space" / "app.py"
    source = app.read_text()
    assert "\nimport importlib\n" in source and "\nimport gradio as gr\n" in source
    # a crash deep in an import, before the app loads gradio or a model: the item must show its cause, the end of
    # the traceback (and the probe is quick)
    crash = '\nimportlib.import_module("release_tools.removed_module")\nimport gradio as gr\n'
    app.write_text(source.replace("\nimport gradio as gr\n", crash, 1))
    found = behaviour_items(project)
    assert found["model"].status == "fail", found["model"]
    assert "the model folder must hold every file from_pretrained needs" in found["model"].detail
    assert found["evaluation"].status == "fail" and "does not load" in found["evaluation"].detail
    assert found["dataset"].status == "fail" and "test.parquet" in found["dataset"].detail, found["dataset"]
    assert found["demo"].status == "fail", found["demo"]
    assert "No module named 'release_tools.removed_module'; run make demo to see it fail" in found["demo"].detail
    assert all(one_line_error(item.line()) for item in found.values())
