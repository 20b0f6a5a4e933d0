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
from .model import Incident, Report, line_of


def check_local_links(bodies: Iterable[RenderedBody], built: set[str], diags: Diagnostics) -> None:
    pages = None
    for body in bodies:
        for link in body.local_links:
            if _leads_somewhere(link, built):
                continue
            if link.kind == "image":
                where = "" if link.href.startswith("/") else f" (from this page it is /{link.target})"
                diags.error(link.path, link.line, "body", f"image {link.href} is not a file of this site{where}",
                            _image_hint(link.target))
                continue
            if link.target == ".." or link.target.startswith("../"):
                diags.error(link.path, link.line, "body", f"link {link.href} leads out of the site",
                            "link to a page of this site, or give the full address (https://...) of another")
                continue
            if pages is None:  # only a failing build pays for the suggestions
                pages = sorted("/" + p.removesuffix("index.html") for p in built if p.endswith("index.html"))
            close = get_close_matches("/" + link.target, pages, n=1, cutoff=0.6)
            hint = (f"did you mean '{close[0]}'?" if close
                    else "use [[id]] to link to an incident, report, source, entity or page")
            diags.error(link.path, link.line, "body", f"link {link.href} leads to no page of this site", hint)


def check_item_images(items: Iterable[Incident | Report], built: set[str], diags: Diagnostics) -> None:
    """An incident's or report's ``image`` (a path inside static/) must be a file the site has."""
    for item in items:
        image = item.image if isinstance(item, Incident) else item.cover
        if image is None or not image.is_local or image.src in built:
            continue
        field = "image.src" if any(name == "image.src" for name, _ in item.field_lines) else "image"
        diags.error(item.path, line_of(item.field_lines, field), field,
                    f"/{image.src} is not a file of this site", _image_hint(image.src))


def _image_hint(target: str) -> str:
    if target.startswith("../") or target == "..":
        return "the path leads out of the site; write it from the site's root, e.g. /img/photo.jpg"
    return f"put the file at static/{target}, or correct the path"


def _leads_somewhere(link: LocalLink, built: set[str]) -> bool:
    target = link.target
    if target == "" or target.endswith("/"):
        return target + "index.html" in built
    return target in built or target + "/index.html" in built
