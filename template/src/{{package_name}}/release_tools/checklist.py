# Template-owned (mlrelease-template): `make template-update` replaces this file; keep your changes in your own files.
"""One line of the release checklist: ✓, ✗ with the fix, or ⚠ (a warning that never fails the check)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Item:
    name: str
    status: str  # "ok", "fail" or "warn"
    detail: str = ""

    def line(self) -> str:
        mark = {"ok": "✓", "fail": "✗", "warn": "⚠"}[self.status]
        return f"{mark} {self.name}" + (f" — {self.detail}" if self.detail else "")


def ok_or(name: str, problems: list[str], ok_detail: str = "") -> Item:
    return Item(name, "fail", "; ".join(problems)) if problems else Item(name, "ok", ok_detail)
