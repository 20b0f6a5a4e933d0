"""One page to render: its site path, template, title and typed context."""

from __future__ import annotations

from dataclasses import dataclass

from .contexts import Context


@dataclass(frozen=True, slots=True)
class PageJob:
    path: str  # site path: "" for home, "incidents/x/", "404.html"
    template: str
    title: str
    context: Context
