"""The "Cite this" block: plain text (APA-like), BibTeX and CSL-JSON for one page.

All three say the same: who published it, when, its title, the site, its permanent URL, the
record's stable id and when it last changed, so that a court filing or a paper cites a record
that can be found again and checked for later corrections.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from ..model import Moment

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# Characters with a meaning in BibTeX/LaTeX, and how to write them as text.
_BIBTEX = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&", "#": r"\#",
           "$": r"\$", "_": r"\_", "^": r"\^{}", "~": r"\~{}"}
_BIBTEX_SPECIAL = re.compile(r"[\\{}%&#$_^~]")


@dataclass(frozen=True, slots=True)
class Citation:
    key: str  # the stable id, as the BibTeX key and the CSL id
    kind: str  # "Incident record", "Report", "Source record"
    title: str
    authors: tuple[str, ...]  # people or organisations, as written
    issued: Moment | None  # None: a source with neither a published nor an accessed date ("n.d.")
    updated: Moment | None
    container: str  # the site's title
    publisher: str
    url: str  # the permanent URL
    csl_type: str = "webpage"

    @property
    def text(self) -> str:
        """APA-like: Author. (2023, March 27). Title [Incident record fire-x]. Site. Last updated …. URL"""
        who = (_names(self.authors) or self.container).rstrip(".")
        issued = self.issued
        when = f"{issued.year}, {issued.value:%B} {issued.value.day}" if issued is not None else "n.d."
        updated = f" Last updated {self.updated.human()}." if self.updated not in (None, issued) else ""
        site = f" {self.container}." if self.container != who else ""
        return f"{who}. ({when}). {self.title} [{self.kind} {self.key}].{site}{updated} {self.url}"

    @property
    def bibtex(self) -> str:
        fields = [
            ("title", "{" + _tex(self.title) + "}"),  # double braces: keep the title's capitals
            ("author", " and ".join("{" + _tex(a) + "}" for a in self.authors or (self.container,))),
            *((("year", str(self.issued.year)), ("month", MONTHS[self.issued.value.month - 1]))
              if self.issued is not None else ()),
            ("howpublished", _tex(self.container)),
            ("publisher", _tex(self.publisher or self.container)),
            ("url", self.url),
            ("note", _tex(self._note(", "))),
        ]
        lines = [f"  {name} = {value if name == 'month' else '{' + value + '}'}" for name, value in fields]
        return f"@misc{{{_bibkey(self.key)},\n" + ",\n".join(lines) + "\n}"

    @property
    def csl(self) -> dict[str, object]:
        entry: dict[str, object] = {
            "id": self.key,
            "type": self.csl_type,
            "title": self.title,
            "author": [{"literal": a} for a in self.authors or (self.container,)],
        }
        if self.issued is not None:  # CSL has no "n.d.": a processor writes it for a missing date
            entry["issued"] = {"date-parts": [_parts(self.issued)]}
        entry.update({"container-title": self.container, "publisher": self.publisher or self.container,
                      "URL": self.url, "note": self._note("; ")})
        return entry

    def _note(self, sep: str) -> str:
        """The record's id and last change: "Incident record fire, last updated 2023-03-30"."""
        if self.updated is None:
            return f"{self.kind} {self.key}"
        return f"{self.kind} {self.key}{sep}last updated {self.updated.date.isoformat()}"

    @property
    def csl_json(self) -> str:
        return json.dumps([self.csl], ensure_ascii=False, indent=2)


def _names(names: tuple[str, ...]) -> str:
    if len(names) <= 2:
        return " & ".join(names)
    return ", ".join(names[:-1]) + ", & " + names[-1]


def _parts(moment: Moment) -> list[int]:
    return [moment.value.year, moment.value.month, moment.value.day]


def _tex(text: str) -> str:
    return _BIBTEX_SPECIAL.sub(lambda m: _BIBTEX[m.group()], text)


def _bibkey(key: str) -> str:
    """A BibTeX key: the id, with anything but letters, digits and -_:. replaced."""
    return re.sub(r"[^A-Za-z0-9_:.-]", "-", key)
