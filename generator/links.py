"""Check the links a writer typed as site paths ("/methodology/") against what was built.

Hugo's ``ref`` fails a build on a link to a page that does not exist; Docket
does the same for root-relative Markdown links, once every page is rendered
and every static file is known. (``[[id]]`` links are checked when they are
resolved; they cannot point nowhere.)
"""

from __future__ import annotations

from collections.abc import Iterable
from difflib import get_close_matches

from .diagnostics import Diagnostics
from .markdown import LocalLink, RenderedBody


def check_local_links(bodies: Iterable[RenderedBody], built: set[str], diags: Diagnostics) -> None:
    pages = None
    for body in bodies:
        for link in body.local_links:
            if _leads_somewhere(link, built):
                continue
            if pages is None:  # only a failing build pays for the suggestions
                pages = sorted("/" + p.removesuffix("index.html") for p in built if p.endswith("index.html"))
            close = get_close_matches("/" + link.target, pages, n=1, cutoff=0.6)
            hint = (f"did you mean '{close[0]}'?" if close
                    else "use [[id]] to link to an incident, report, source, entity or page")
            diags.error(link.path, link.line, "body", f"link {link.href} leads to no page of this site", hint)


def _leads_somewhere(link: LocalLink, built: set[str]) -> bool:
    target = link.target
    if target == "" or target.endswith("/"):
        return target + "index.html" in built
    return target in built or target + "/index.html" in built
