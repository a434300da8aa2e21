# Template-owned (mlrelease-template): `make template-update` replaces this file; keep your changes in your own files.
"""release.yaml: load it, check every field, and derive the links every artifact shows.

Errors name the file, the field and the fix, so the renderer and `make check-release` agree.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path
from typing import Any

import yaml
from packaging.version import InvalidVersion, Version

from .cli import UserError

RELEASE_FILE = "release.yaml"

# License ids the Hugging Face Hub accepts in card metadata (https://huggingface.co/docs/hub/repositories-licenses).
HUB_LICENSES = frozenset(
    """apache-2.0 mit openrail bigscience-openrail-m creativeml-openrail-m bigscience-bloom-rail-1.0
    bigcode-openrail-m afl-3.0 artistic-2.0 bsl-1.0 bsd bsd-2-clause bsd-3-clause bsd-3-clause-clear c-uda cc
    cc0-1.0 cc-by-2.0 cc-by-2.5 cc-by-3.0 cc-by-4.0 cc-by-sa-3.0 cc-by-sa-4.0 cc-by-nc-2.0 cc-by-nc-3.0
    cc-by-nc-4.0 cc-by-nd-4.0 cc-by-nc-nd-3.0 cc-by-nc-nd-4.0 cc-by-nc-sa-2.0 cc-by-nc-sa-3.0 cc-by-nc-sa-4.0
    cdla-sharing-1.0 cdla-permissive-1.0 cdla-permissive-2.0 wtfpl ecl-2.0 epl-1.0 epl-2.0 etalab-2.0 eupl-1.1
    eupl-1.2 agpl-3.0 gfdl gpl gpl-2.0 gpl-3.0 lgpl lgpl-2.1 lgpl-3.0 isc h-research intel-research lppl-1.3c
    ms-pl apple-ascl apple-amlr mpl-2.0 odc-by odbl openmdw-1.0 openrail++ osl-3.0 postgresql ofl-1.1 ncsa
    unlicense zlib pddl lgpl-lr deepfloyd-if-license fair-noncommercial-research-license llama2 llama3 llama3.1
    llama3.2 llama3.3 llama4 gemma unknown other""".split()
)
# The Hub's pipeline tags, as copier.yml's pipeline_tag question offers them.
PIPELINE_TAGS = frozenset(
    """image-classification object-detection image-segmentation depth-estimation image-to-image image-to-text
    image-text-to-text image-feature-extraction zero-shot-image-classification text-to-image
    unconditional-image-generation video-classification text-classification token-classification
    question-answering zero-shot-classification translation summarization feature-extraction text-generation
    fill-mask sentence-similarity text-ranking text-to-speech text-to-audio automatic-speech-recognition
    audio-classification audio-to-audio tabular-classification tabular-regression time-series-forecasting
    reinforcement-learning robotics graph-ml other""".split()
)
ARXIV_ID = re.compile(r"^[0-9]{2}(0[1-9]|1[0-2])\.[0-9]{4,5}(v[1-9][0-9]*)?$")
REPO_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]{0,95}$")
# A Hub user or organisation name, as the copier question accepts it.
NAMESPACE = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9._-]{0,40}[A-Za-z0-9])?$")
VERSION = re.compile(r"^[0-9]+\.[0-9]+\.[0-9]+([.-]?(a|b|rc|post|dev)[0-9]+)?$", re.IGNORECASE)
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Text limits, as in copier.yml; a tag or list item longer than this is a mistake, not a tag.
LIMITS = {"title": 300, "description": 500, "authors.name": 200, "authors.affiliation": 300, "item": 100}
MAX_ITEMS = 100
MAX_BYTES = 256 * 1024
HUB_REPOS = ("hub.model", "hub.dataset", "hub.demo", "hub.page")


class _StrictLoader(yaml.SafeLoader):
    """Safe YAML without anchors and aliases: `&a` / `*a` can expand into billions of nodes (an alias bomb)."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            line = event.start_mark.line + 1
            raise UserError(
                f"{RELEASE_FILE} line {line}: YAML anchors and aliases (&name, *name) are not allowed; write the value out"
            )
        return super().compose_node(parent, index)


def parse_release_text(raw: bytes, name: str = RELEASE_FILE) -> Any:
    """UTF-8 YAML without anchors or aliases; every problem is one line naming the file."""
    if len(raw) > MAX_BYTES:
        raise UserError(f"{name} is {len(raw):,} bytes; it holds metadata only and must stay under {MAX_BYTES:,}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise UserError(
            f"{name} line {line}: byte 0x{raw[exc.start]:02x} is not UTF-8; save the file as UTF-8"
        ) from None
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise UserError(f"{name} is not valid YAML{where}; fix the syntax there") from None
    except ValueError as exc:
        if "out of range" in str(exc) or "must be in" in str(exc):  # YAML reads 2026-02-30 as a date that cannot be
            raise UserError(
                f"{name} holds a date that does not exist ({exc}); write a real day as YYYY-MM-DD"
            ) from None
        raise UserError(f"{name} holds a value too large to be metadata; fix it") from None
    except RecursionError:  # lists nested thousands deep
        raise UserError(f"{name} holds a value nested too deeply to be metadata; fix it") from None


def normalized_version(value: str) -> str | None:
    """The PEP 440 normal form (`01.2.3` -> `1.2.3`, `1.0.0-rc1` -> `1.0.0rc1`), or None if it is no release version."""
    try:
        version = Version(value)
    except InvalidVersion:
        return None
    if version.local or version.epoch or len(version.release) != 3:
        return None
    return str(version)


def https_url(value: Any) -> bool:
    """An https:// URL without spaces or control characters: the only links a card or page may carry."""
    return (
        isinstance(value, str)
        and value.startswith("https://")
        and len(value) > len("https://")
        and not re.search(r"[\s<>\"'`]", value)
        and not CONTROL.search(value)
    )


def shown(value: Any, limit: int = 60) -> str:
    """A value as an error message quotes it: repr, cut to `limit` characters (a bad value may be huge)."""
    try:
        text = repr(value)
    except ValueError:  # an integer too long to print
        text = f"<{type(value).__name__} too long to show>"
    return text if len(text) <= limit else text[: limit - 4] + "…" + text[-3:]


def _get(data: dict, dotted: str) -> Any:
    node: Any = data
    for part in dotted.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def release_problems(data: Any, path: str = RELEASE_FILE) -> list[str]:
    """Every problem with the release metadata, each as `<file>: field '<name>' ...; <fix>`."""
    if not isinstance(data, dict):
        return [f"{path}: must be a YAML mapping with title, description, version, authors, hub, license and model"]
    problems = []

    def problem(field: str, text: str) -> None:
        problems.append(f"{path}: field '{field}' {text}")

    def need(field: str, kind: type | tuple, fix: str, *, optional: bool = False) -> Any:
        value = _get(data, field)
        if value is None and optional:
            return None
        # no field is a boolean, and YAML reads `yes` as True: a bool is never the right type
        if not isinstance(value, kind) or isinstance(value, bool) or (isinstance(value, str) and not value.strip()):
            name = getattr(kind, "__name__", "valid value")
            problem(field, f"is missing or not a {name}; {fix}")
            return None
        return value

    def one_line(field: str, value: Any, limit: int) -> None:
        if isinstance(value, str):
            if len(value) > limit:
                problem(field, f"is {len(value):,} characters; at most {limit} are allowed")
            elif CONTROL.search(value):
                problem(field, "must be one line of text without control characters")

    def strings(field: str, fix: str) -> None:
        items = need(field, list, f"use a YAML list of strings (possibly empty: []); {fix}")
        if items is None:
            return
        if len(items) > MAX_ITEMS:
            problem(field, f"has {len(items)} items; at most {MAX_ITEMS} are allowed")
            return
        for i, item in enumerate(items):
            if not isinstance(item, str) or not item.strip():
                problem(f"{field}[{i}]", f"is {shown(item)}; every item must be a non-empty string")
                return
            one_line(f"{field}[{i}]", item, LIMITS["item"])

    one_line("title", need("title", str, "set the paper or project title"), LIMITS["title"])
    one_line("description", need("description", str, "set a one-sentence description"), LIMITS["description"])
    package = need("package", str, "set the Python package of the research code (the folder under src/)")
    if package and not package.isidentifier():
        problem("package", f"is {shown(package)}; use the Python package name, e.g. digit_cnn")
    key = need("citation_key", str, "set a BibTeX key such as digits2026")
    if key and not re.fullmatch(r"[A-Za-z0-9_:.-]{1,100}", key):
        problem("citation_key", f"is {shown(key)}; use letters, digits, '_', ':', '.' or '-', e.g. digits2026")
    year = need("year", int, "set the publication year, e.g. 2026")
    if year is not None and not 1900 <= year <= 2200:
        problem("year", f"is {shown(year)}; use the publication year, e.g. 2026")
    version = need("version", str, "set a version like 0.1.0 (quote it)")
    if version and (not VERSION.match(version) or normalized_version(version) is None):
        problem("version", f"is {shown(version)}; use MAJOR.MINOR.PATCH like 0.1.0 (optionally rc1, post1, ...)")
    arxiv = need("arxiv_id", str, "use null or an id like 2501.01234", optional=True)
    if arxiv and not ARXIV_ID.match(arxiv):
        problem("arxiv_id", f"is {shown(arxiv)}; use YYMM.NNNN or YYMM.NNNNN (optional vN), e.g. 2501.01234")
    authors = need("authors", list, "list the authors as mappings with name and affiliation")
    for i, author in enumerate(authors or []):
        if not isinstance(author, dict) or not isinstance(author.get("name"), str) or not author["name"].strip():
            problem(f"authors[{i}].name", "is missing; give every author a name and affiliation")
            continue
        one_line(f"authors[{i}].name", author["name"], LIMITS["authors.name"])
        affiliation = author.get("affiliation")
        if affiliation is not None and not isinstance(affiliation, str):
            problem(f"authors[{i}].affiliation", "must be text, e.g. University of London")
        one_line(f"authors[{i}].affiliation", affiliation, LIMITS["authors.affiliation"])
        for extra in ("email", "orcid"):
            if author.get(extra) is not None and not isinstance(author[extra], str):
                problem(f"authors[{i}].{extra}", "must be text")
    need("links.code", str, "set the code repository URL, e.g. https://github.com/OWNER/REPO")
    for field in ("links.code", "links.venue", "links.page_url"):
        value = _get(data, field)
        if value is not None and not https_url(value):
            problem(field, f"is {shown(value)}; use an https:// URL (or null where allowed)")
    namespace = need("hub.namespace", str, "set the Hugging Face user or organisation, e.g. my-lab")
    if namespace and (not NAMESPACE.match(namespace) or "--" in namespace or ".." in namespace):
        problem("hub.namespace", f"is {shown(namespace)}; use a Hugging Face user or organisation name like my-lab")
    seen: dict[str, str] = {}
    for field in HUB_REPOS:
        repo = need(field, str, "set a Hub repository id like my-lab/my-model")
        if repo and not REPO_ID.match(repo):
            problem(field, f"is {shown(repo)}; use NAMESPACE/NAME with letters, digits, '-', '_' or '.'")
        elif repo and repo.lower() in seen:
            problem(field, f"is {repo}, the same repository as {seen[repo.lower()]}; give each repository its own name")
        elif repo:
            seen[repo.lower()] = field
    visibility = _get(data, "hub.visibility")
    if visibility not in ("private", "public"):
        problem("hub.visibility", f"is {shown(visibility)}; use private or public")
    need("license.code", str, "set the code license, e.g. Apache-2.0")
    for kind in ("model", "data"):
        license_id = need(f"license.{kind}", str, "set a Hugging Face license id, e.g. apache-2.0")
        if license_id and license_id not in HUB_LICENSES:
            problem(
                f"license.{kind}",
                f"is {shown(license_id)}, not a Hugging Face license id; use e.g. apache-2.0, mit, cc-by-4.0, or other with license.{kind}_name and license.{kind}_link",
            )
        if license_id == "other":
            name = need(
                f"license.{kind}_name",
                str,
                f"license.{kind} is other: give the license a short id, e.g. my-lab-license",
            )
            if name and not re.fullmatch(r"[a-z0-9]([a-z0-9.-]{0,98}[a-z0-9])?", name):
                problem(f"license.{kind}_name", f"is {shown(name)}; use lowercase letters, digits, '-' and '.'")
            link = need(f"license.{kind}_link", str, f"license.{kind} is other: link its full text (URL or file name)")
            if link and not (
                https_url(link) or re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*", link)
            ):
                problem(
                    f"license.{kind}_link",
                    f"is {shown(link)}; use an https:// URL or a file name in the project like LICENSE.model.md",
                )
    tag = need("model.pipeline_tag", str, "set the Hub pipeline tag, e.g. image-classification")
    if tag and not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", tag):
        problem("model.pipeline_tag", f"is {shown(tag)}; use a Hub pipeline tag such as image-classification")
    library = need("model.library_name", str, "use null or a library the Hub knows, e.g. transformers", optional=True)
    one_line("model.library_name", library, LIMITS["item"])
    for field in ("model.language", "model.tags", "model.datasets"):
        strings(field, "e.g. [en]" if field == "model.language" else "e.g. [image-classification]")
    one_line(
        "model.base_model", need("model.base_model", str, "use null or a Hub model id", optional=True), LIMITS["item"]
    )
    demo = _get(data, "demo")
    if demo is not None and not isinstance(demo, dict):
        problem("demo", "must be a mapping with emoji and python_version")
    one_line("demo.emoji", need("demo.emoji", str, 'use one emoji, e.g. "🔢"', optional=True), 8)
    python = need("demo.python_version", str, 'quote the version, e.g. "3.11"', optional=True)
    if python and not re.fullmatch(r"3\.[0-9]{1,2}", python):
        problem("demo.python_version", f'is {shown(python)}; use a Python version like "3.11"')
    threshold = need(
        "publish.large_folder_threshold_gb",
        (int, float),
        "add `publish: {large_folder_threshold_gb: 5}` (copier update --trust adds it to older projects)",
    )
    if threshold is not None and threshold < 0:
        problem("publish.large_folder_threshold_gb", f"is {shown(threshold)}; use a size in GB like 5")
    checks = _get(data, "checks")
    if checks is not None and not isinstance(checks, dict):
        problem("checks", "must be a mapping such as {metric_tolerance: 0}")
    tolerance = need("checks.metric_tolerance", (int, float), "use a number like 0 or 1e-4", optional=True)
    if tolerance is not None and not 0 <= tolerance <= 1:
        problem(
            "checks.metric_tolerance", f"is {shown(tolerance)}; use the largest accepted |difference|, e.g. 0 or 1e-4"
        )
    check_paper_section(data, problem)
    return problems


NUMBER_STYLES = ("percent", "fraction")
NUMBER_FORMAT_FIX = "use {style: percent, decimals: 1} (style percent or fraction, 0 to 6 decimals)"


def check_paper_section(data: dict, problem: Callable[[str, str], None]) -> None:
    """The optional `paper:` section (how make paper-numbers writes numbers, how make arxiv sizes figures); each
    problem goes to `problem(field, text)`."""
    paper = _get(data, "paper")
    if paper is None:
        return
    if not isinstance(paper, dict):
        problem("paper", "must be a mapping such as {metrics: {style: percent, decimals: 1}}")
        return
    formats = {"paper.metrics": paper.get("metrics")}
    per_metric = paper.get("per_metric")
    if per_metric is not None and not isinstance(per_metric, dict):
        problem("paper.per_metric", "must map metric names to formats, e.g. {loss: {style: fraction, decimals: 3}}")
    elif per_metric:
        formats |= {f"paper.per_metric.{name}": value for name, value in per_metric.items()}
    for field, value in formats.items():
        if value is None and field == "paper.metrics":
            continue
        if not isinstance(value, dict) or set(value) - {"style", "decimals"}:
            problem(field, f"is {shown(value)}; {NUMBER_FORMAT_FIX}")
            continue
        decimals = value.get("decimals", 1)
        if (
            value.get("style", "percent") not in NUMBER_STYLES
            or not isinstance(decimals, int)
            or isinstance(decimals, bool)
            or not 0 <= decimals <= 6
        ):
            problem(field, f"is {shown(value)}; {NUMBER_FORMAT_FIX}")
    pixels = paper.get("image_max_px")
    if pixels is not None and (not isinstance(pixels, int) or isinstance(pixels, bool) or not 200 <= pixels <= 10000):
        problem("paper.image_max_px", f"is {shown(pixels)}; use the longest side in pixels, e.g. 2000")


def hub_url(kind: str, repo_id: str) -> str:
    prefix = {"model": "", "dataset": "datasets/", "space": "spaces/"}[kind]
    return f"https://huggingface.co/{prefix}{repo_id}"


def _artifact_links(arxiv_id: str | None, code: str | None, page_url: str | None, hub: Mapping[str, str]) -> dict:
    return {
        "paper": f"https://arxiv.org/abs/{arxiv_id}" if arxiv_id else None,
        "code": code,
        "model": hub_url("model", hub["model"]),
        "dataset": hub_url("dataset", hub["dataset"]),
        "demo": hub_url("space", hub["demo"]),
        "page": page_url or hub_url("space", hub["page"]),
    }


# ---------------------------------------------------------------- the typed record


def _texts(values: Any) -> tuple[str, ...]:
    return tuple(values or ())


@dataclass(frozen=True)
class Author:
    name: str
    affiliation: str | None = None
    email: str | None = None
    orcid: str | None = None


@dataclass(frozen=True)
class Hub:
    """The Hub namespace, the four repositories (model, dataset, demo Space, page Space) and their visibility."""

    namespace: str
    model: str
    dataset: str
    demo: str
    page: str
    visibility: str


@dataclass(frozen=True)
class Licenses:
    """The code's license, and the Hub license ids of the weights (`model`) and the data; `other` comes with a
    short name and a link for each."""

    code: str
    model: str
    data: str
    model_name: str | None = None
    model_link: str | None = None
    data_name: str | None = None
    data_link: str | None = None

    def hub_id(self, kind: str) -> str:
        return {"model": self.model, "data": self.data}[kind]

    def custom(self, kind: str) -> tuple[str, str] | None:
        """(name, link) of a custom (`other`) license of the weights or the data; None for a Hub license id."""
        if self.hub_id(kind) != "other":
            return None
        return getattr(self, f"{kind}_name"), getattr(self, f"{kind}_link")

    def label(self, kind: str) -> str:
        """Display name of the model or data license: the id, or the custom name for `other`."""
        custom = self.custom(kind)
        return custom[0] if custom else self.hub_id(kind)


@dataclass(frozen=True)
class Links:
    code: str
    venue: str | None = None
    page_url: str | None = None


@dataclass(frozen=True)
class ModelInfo:
    """How the Hub files the model: pipeline tag, library, languages, tags, datasets and base model."""

    pipeline_tag: str
    library_name: str | None = None
    language: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    datasets: tuple[str, ...] = ()
    base_model: str | None = None


@dataclass(frozen=True)
class NumberFormat:
    """How the paper writes a metric: percent (0.9722 -> 97.2) or fraction (0.972), to `decimals` places."""

    style: str = "percent"
    decimals: int = 1

    @classmethod
    def from_data(cls, data: Mapping[str, Any] | None) -> NumberFormat:
        data = data or {}
        return cls(data.get("style", "percent"), data.get("decimals", 1))

    def text(self, value: float) -> str:
        """The value as the paper shows it; percent applies to fractions only (a loss of 2.3 stays 2.3)."""
        scaled = value * 100 if self.style == "percent" and 0 <= value <= 1 else value
        return f"{scaled:.{self.decimals}f}"


@dataclass(frozen=True)
class PaperSettings:
    """release.yaml's optional `paper:` section: number formats for make paper-numbers, figure size for make arxiv."""

    metrics: NumberFormat = NumberFormat()
    per_metric: Mapping[str, NumberFormat] = dataclass_field(default_factory=dict)
    image_max_px: int = 2000

    @classmethod
    def from_data(cls, data: Mapping[str, Any] | None) -> PaperSettings:
        data = data or {}
        return cls(
            NumberFormat.from_data(data.get("metrics")),
            {name: NumberFormat.from_data(value) for name, value in (data.get("per_metric") or {}).items()},
            data.get("image_max_px") or 2000,
        )

    def format_for(self, metric: str) -> NumberFormat:
        return self.per_metric.get(metric, self.metrics)


@dataclass(frozen=True)
class Release:
    """release.yaml, checked by `release_problems` and typed. `data` keeps the whole mapping: the card templates
    read it (`as_dict`), and it holds any field the researcher added."""

    title: str
    description: str
    package: str
    citation_key: str
    year: int
    version: str
    authors: tuple[Author, ...]
    links: Links
    hub: Hub
    license: Licenses
    model: ModelInfo
    arxiv_id: str | None = None
    arxiv_class: Any = None  # checked where the citation is drawn (citation.py), as is `date`
    date: Any = None
    demo_emoji: str | None = None
    demo_python_version: str | None = None
    large_folder_threshold_gb: float | None = None
    metric_tolerance: float = 0.0  # how far a re-run metric may differ from the reported one
    paper: PaperSettings = PaperSettings()
    data: dict[str, Any] = dataclass_field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def load(cls, root: Path = Path("."), name: str = RELEASE_FILE) -> Release:
        """The checked release.yaml of `root`, with the version in its PEP 440 normal form; the first problem is a
        one-line UserError."""
        path = Path(root) / name
        if not path.is_file():
            raise UserError(
                f"{name} not found in {Path(root).resolve()}; it holds the release metadata, restore it from git"
            )
        data = parse_release_text(path.read_bytes(), name)
        problems = release_problems(data, name)
        if problems:
            raise UserError(problems[0])
        return cls.from_data({**data, "version": normalized_version(data["version"])})

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Release:
        """The record of release metadata that `release_problems` accepts."""
        hub, lic, model = data["hub"], data["license"], data["model"]
        links, demo = data.get("links") or {}, data.get("demo") or {}
        return cls(
            title=data["title"],
            description=data["description"],
            package=data["package"],
            citation_key=data["citation_key"],
            year=data["year"],
            version=data["version"],
            authors=tuple(
                Author(a["name"], a.get("affiliation"), a.get("email"), a.get("orcid")) for a in data["authors"]
            ),
            links=Links(links.get("code"), links.get("venue"), links.get("page_url")),
            hub=Hub(*(hub[key] for key in ("namespace", "model", "dataset", "demo", "page", "visibility"))),
            license=Licenses(
                lic["code"],
                lic["model"],
                lic["data"],
                *(lic.get(f"{kind}_{part}") for kind in ("model", "data") for part in ("name", "link")),
            ),
            model=ModelInfo(
                model["pipeline_tag"],
                model.get("library_name"),
                _texts(model.get("language")),
                _texts(model.get("tags")),
                _texts(model.get("datasets")),
                model.get("base_model"),
            ),
            arxiv_id=data.get("arxiv_id"),
            arxiv_class=data.get("arxiv_class"),
            date=data.get("date"),
            demo_emoji=demo.get("emoji"),
            demo_python_version=demo.get("python_version"),
            large_folder_threshold_gb=(data.get("publish") or {}).get("large_folder_threshold_gb"),
            metric_tolerance=float((data.get("checks") or {}).get("metric_tolerance") or 0),
            paper=PaperSettings.from_data(data.get("paper")),
            data=dict(data),
        )

    def as_dict(self) -> dict[str, Any]:
        return self.data

    @property
    def tag(self) -> str:
        return f"v{self.version}"

    @property
    def artifact_links(self) -> dict[str, str | None]:
        """The six links every artifact carries: paper, code, model, dataset, demo, page."""
        return _artifact_links(self.arxiv_id, self.links.code, self.links.page_url, vars(self.hub))


def release_links(data: Mapping[str, Any]) -> dict[str, str | None]:
    """The six links from release.yaml as parsed, unchecked: the demo app reads the file so, since `make demo` runs
    before it is complete; only what the links need is read. Everything else takes `Release.artifact_links`."""
    links = data.get("links") or {}
    return _artifact_links(data.get("arxiv_id"), links.get("code"), links.get("page_url"), data["hub"])
