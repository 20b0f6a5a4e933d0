"""The share card of an incident: a 1200×630 SVG with its title, date, place and key figures.

Social networks and chat apps show it beside a shared link (``og:image``). The lines of the title
are broken here, by an estimate of the width of each word in the card's serif face, because SVG
text does not wrap; the template (``card.svg``, which a site may override) only places them.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Incident

WIDTH, HEIGHT = 1200, 630
TITLE_LINES = 3
LINE_CHARS = 30  # at 64 px a serif line of the card's width holds about this many average characters
CARD_FIGURES = 3


@dataclass(frozen=True, slots=True)
class Card:
    site: str
    lines: tuple[str, ...]  # the title, broken into at most TITLE_LINES lines
    dateline: str  # "27 March 2023 · Ciudad Juárez, Mexico"
    figures: tuple[tuple[str, str], ...]  # (label, number) of the first figures
    status: str
    fictional: bool


def card_path(page_path: str) -> str:
    """The card beside an incident's page: "incidents/x/" -> "incidents/x/card.svg"."""
    return f"{page_path}card.svg"


def incident_card(site_title: str, incident: Incident) -> Card:
    loc = incident.location
    where = ", ".join(p for p in (loc.place, loc.country) if p)
    dateline = incident.date.human() + (f" · {where}" if where else "")
    figures = tuple((key.replace("_", " ").capitalize(), f"{value:,}" if isinstance(value, int) else f"{value:,.2f}")
                    for key, value in incident.figures[:CARD_FIGURES])
    return Card(site_title, wrap(incident.title), dateline, figures, incident.status, incident.fictional)


def wrap(title: str, width: int = LINE_CHARS, most: int = TITLE_LINES) -> tuple[str, ...]:
    """Greedy line breaks; a title longer than ``most`` lines ends its last line with "…"."""
    lines: list[str] = []
    line = ""
    for word in title.split():
        candidate = f"{line} {word}".strip()
        if len(candidate) <= width or not line:
            line = candidate
            continue
        lines.append(line)
        line = word
    if line:
        lines.append(line)
    if len(lines) > most:
        last = lines[most - 1]
        lines = [*lines[:most - 1], (last[:width - 1].rstrip() + "…")]
    return tuple(lines)
