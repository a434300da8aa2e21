# Template-owned (mlrelease-template): `make template-update` replaces this file; keep your changes in your own files.
"""Citations from release.yaml: BibTeX for the README and page, CITATION.cff for GitHub."""

from __future__ import annotations

import re
from typing import Any

import yaml

# LaTeX special characters, escaped so that the compiled citation shows exactly the text entered.
_LATEX = {
    "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "'": "{'}", "`": "{`}",
}  # fmt: skip


def latex_escape(text: str) -> str:
    text = text.replace("\\", "\x00").replace("{", r"\{").replace("}", r"\}").replace("\x00", r"\textbackslash{}")
    text = "".join(_LATEX.get(ch, ch) for ch in text)
    return re.sub(r"-(?=-)", "-{}", text)  # keep -- and --- from becoming dashes


def bibtex(release: dict[str, Any]) -> str:
    """The BibTeX entry; key and year come from release.yaml's citation_key and year."""
    arxiv, year = release.get("arxiv_id"), release["year"]
    lines = [
        f"@{'article' if arxiv else 'misc'}{{{release['citation_key']},",
        f"  title   = {{{latex_escape(release['title'])}}},",
        f"  author  = {{{' and '.join(latex_escape(a['name']) for a in release['authors'])}}},",
        f"  year    = {{{year}}},",
    ]
    if arxiv:
        lines += [
            f"  journal = {{arXiv preprint arXiv:{arxiv}}},",
            f"  eprint  = {{{arxiv}}},",
            "  archivePrefix = {arXiv},",
        ]
    lines += [f"  url     = {{{release['links']['code']}}}", "}"]
    return "\n".join(lines)


def _cff_person(author: dict[str, Any], *, contact: bool) -> dict[str, Any]:
    given, _, family = author["name"].rpartition(" ")
    person: dict[str, Any] = {"given-names": given, "family-names": family} if given else {"family-names": family}
    person["affiliation"] = author.get("affiliation", "")
    if contact and author.get("email"):
        person["email"] = author["email"]
    if contact and author.get("orcid"):
        person["orcid"] = f"https://orcid.org/{author['orcid']}"
    return person


def citation_cff(release: dict[str, Any], model_url: str) -> str:
    year = release["year"]
    cff: dict[str, Any] = {
        "cff-version": "1.2.0",
        "message": "If you use this work, please cite it as below.",
        "type": "software",
        "title": release["title"],
        "abstract": release["description"],
        "version": release["version"],
        "authors": [_cff_person(a, contact=True) for a in release["authors"]],
        "repository-code": release["links"]["code"],
        "url": model_url,
        "license": release["license"]["code"],
    }
    arxiv = release.get("arxiv_id")
    if arxiv:
        doi = "10.48550/arXiv." + re.sub(r"v[0-9]+$", "", arxiv)
        cff["identifiers"] = [{"type": "doi", "value": doi, "description": "The paper on arXiv"}]
        cff["preferred-citation"] = {
            "type": "article",
            "title": release["title"],
            "authors": [_cff_person(a, contact=False) for a in release["authors"]],
            "journal": "arXiv",
            "doi": doi,
            "url": f"https://arxiv.org/abs/{arxiv}",
            "year": year,
        }
    header = "# Rendered from release.yaml by `make cards`; edit release.yaml, not this file.\n"
    return header + yaml.safe_dump(cff, sort_keys=False, allow_unicode=True, width=1000)
