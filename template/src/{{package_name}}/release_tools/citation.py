# Template-owned (mlrelease-template): `make template-update` replaces this file; keep your changes in your own files.
"""Citations from release.yaml: one citation model (`citation_model`), rendered as BibTeX for the README and page
and as CITATION.cff for GitHub, so the three agree on title, authors, year, arXiv id and DOI.

What is cited: the paper when release.yaml has an arXiv id (BibTeX @article with eprint, archivePrefix, the arXiv
DOI and, when `arxiv_class` is set, primaryClass; CITATION.cff's preferred-citation), else the software (@misc).
The arXiv DOI belongs to the paper only: CITATION.cff's top-level entry is the software and carries none.

`date-released` of the software: release.yaml's optional `date:` (YYYY-MM-DD, the day of the release), else
1 January of `year`. It comes from release.yaml alone, never from the clock or git, so `make check-release`
renders the same file and committing CITATION.cff does not change it.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import yaml

from .cli import UserError
from .release_file import Author, Release

# LaTeX special characters, escaped so that the compiled citation shows exactly the text entered.
_LATEX = {
    "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "'": "{'}", "`": "{`}",
}  # fmt: skip
# arXiv subject classes as arXiv prints them: cs.LG, stat.ML, math.AG, hep-th, astro-ph.CO.
ARXIV_CLASS = re.compile(r"^[a-z][a-z-]{1,15}(\.[A-Za-z][A-Za-z-]{0,15})?$")


def latex_escape(text: str) -> str:
    text = text.replace("\\", "\x00").replace("{", r"\{").replace("}", r"\}").replace("\x00", r"\textbackslash{}")
    text = "".join(_LATEX.get(ch, ch) for ch in text)
    return re.sub(r"-(?=-)", "-{}", text)  # keep -- and --- from becoming dashes


def release_date(release: Release) -> str:
    """The software's release date, YYYY-MM-DD: release.yaml's `date:` if set, else 1 January of `year`."""
    value, year = release.date, release.year
    if value is None:
        return f"{year:04d}-01-01"
    if isinstance(value, datetime.datetime) or not isinstance(value, (str, datetime.date)):
        day = None
    elif isinstance(value, datetime.date):
        day = value
    else:
        try:
            day = datetime.date.fromisoformat(value) if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value) else None
        except ValueError:
            day = None
    if day is None:
        raise UserError(
            f"release.yaml: field 'date' is {str(value)[:40]!r}; use the release day as YYYY-MM-DD, e.g. 2026-03-14"
        )
    if not release.arxiv_id and day.year != year:
        raise UserError(
            f"release.yaml: field 'date' ({day.isoformat()}) is not in year {year}, and without an arXiv id the "
            "citation is the software's; make year and date agree"
        )
    return day.isoformat()


def citation_model(release: Release) -> dict[str, Any]:
    """What every citation says: the cited work (`kind`: article or software) and, for the paper, its arXiv id,
    class and DOI. BibTeX and CITATION.cff render this and nothing else."""
    arxiv, arxiv_class = release.arxiv_id, release.arxiv_class
    if arxiv_class is not None and not (isinstance(arxiv_class, str) and ARXIV_CLASS.match(arxiv_class)):
        raise UserError(
            f"release.yaml: field 'arxiv_class' is {str(arxiv_class)[:40]!r}; use the paper's primary arXiv "
            "category, e.g. cs.LG, or remove the field"
        )
    model: dict[str, Any] = {
        "key": release.citation_key,
        "kind": "article" if arxiv else "software",
        "title": release.title,
        "authors": release.authors,
        "year": release.year,
        "date_released": release_date(release),
        "version": release.version,
        "code": release.links.code,
        "paper": None,
    }
    if arxiv:
        model["paper"] = {
            "arxiv": arxiv,
            "class": arxiv_class,
            # arXiv registers one DOI per paper, without the version: 10.48550/arXiv.2501.01234
            "doi": "10.48550/arXiv." + re.sub(r"v[0-9]+$", "", arxiv),
            "url": f"https://arxiv.org/abs/{arxiv}",
            "journal": f"arXiv preprint arXiv:{arxiv}",
        }
    return model


def bibtex(release: Release) -> str:
    """The BibTeX entry: the paper (@article with its arXiv fields and DOI) or, before arXiv, the software (@misc)."""
    model = citation_model(release)
    paper = model["paper"]
    fields = [
        ("title", latex_escape(model["title"])),
        ("author", " and ".join(latex_escape(a.name) for a in model["authors"])),
        ("year", str(model["year"])),
    ]
    if paper:
        fields += [("journal", paper["journal"]), ("eprint", paper["arxiv"]), ("archivePrefix", "arXiv")]
        fields += [("primaryClass", paper["class"])] if paper["class"] else []
        fields += [("doi", paper["doi"]), ("url", paper["url"])]
    else:
        fields += [("url", model["code"])]
    lines = [f"  {name:<7} = {{{value}}}" for name, value in fields]
    return f"@{'article' if paper else 'misc'}{{{model['key']},\n" + ",\n".join(lines) + "\n}"


def _cff_person(author: Author, *, contact: bool) -> dict[str, Any]:
    given, _, family = author.name.rpartition(" ")
    person: dict[str, Any] = {"given-names": given, "family-names": family} if given else {"family-names": family}
    person["affiliation"] = author.affiliation or ""
    if contact and author.email:
        person["email"] = author.email
    if contact and author.orcid:
        person["orcid"] = f"https://orcid.org/{author.orcid}"
    return person


def citation_cff(release: Release, model_url: str) -> str:
    """CITATION.cff: the software (with its release date) and, once on arXiv, the paper as preferred-citation."""
    model = citation_model(release)
    cff: dict[str, Any] = {
        "cff-version": "1.2.0",
        "message": "If you use this work, please cite it as below.",
        "type": "software",
        "title": model["title"],
        "abstract": release.description,
        "version": model["version"],
        "date-released": model["date_released"],
        "authors": [_cff_person(a, contact=True) for a in model["authors"]],
        "repository-code": model["code"],
        "url": model_url,
        "license": release.license.code,
    }
    paper = model["paper"]
    if paper:
        cff["preferred-citation"] = {
            "type": "article",
            "title": model["title"],
            "authors": [_cff_person(a, contact=False) for a in model["authors"]],
            "journal": paper["journal"],
            "doi": paper["doi"],
            "url": paper["url"],
            "identifiers": [{"type": "other", "value": f"arXiv:{paper['arxiv']}", "description": "arXiv identifier"}],
            "year": model["year"],
        }
    header = "# Rendered from release.yaml by `make stage`; edit release.yaml, not this file.\n"
    return header + yaml.safe_dump(cff, sort_keys=False, allow_unicode=True, width=1000)
