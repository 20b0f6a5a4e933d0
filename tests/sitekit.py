"""Helpers for tests that write small sites inline and read what Docket built."""

from __future__ import annotations

import posixpath
import subprocess
import sys
import textwrap
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

from helpers import snapshot  # noqa: F401 - one definition, shared by both helper modules

REPO = Path(__file__).resolve().parents[1]
MINIMAL_SITE_YAML = "title: Test Site\nbase_url: https://example.org/\n"


def run_docket(*args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the real command line, as a writer would."""
    return subprocess.run([sys.executable, "-m", "generator", *map(str, args)], cwd=cwd or REPO,
                          capture_output=True, text=True, timeout=timeout)


def write_site(root: Path, files: dict[str, str]) -> Path:
    """Write a site: {relative path: text}; texts are dedented; site.yaml is added if absent."""
    files = {"site.yaml": MINIMAL_SITE_YAML, **files}
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def page(output: Path, site_path: str) -> BeautifulSoup:
    """Parse the built page at a site path like "incidents/x/"."""
    file = output / site_path
    if site_path == "" or site_path.endswith("/"):
        file = file / "index.html"
    return BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser")


def resolve_link(output: Path, from_file: Path, href: str) -> tuple[Path | None, str]:
    """The file an internal href points at (or None for external links) and its fragment."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None, ""
    if not parts.path:
        return from_file, parts.fragment
    target = (from_file.parent / unquote(parts.path)).resolve()
    if href.split("#")[0].endswith("/") or target.is_dir():
        target = target / "index.html"
    return target, parts.fragment


def linked_paths(soup: BeautifulSoup, site_path: str) -> set[str]:
    """The site paths ("incidents/x/") that the links inside <main> lead to."""
    base = posixpath.dirname(site_path.rstrip("/") + "/index.html")
    out = set()
    for a in soup.find("main").find_all("a", href=True):
        parts = urlsplit(a["href"])
        if parts.scheme or parts.netloc or not parts.path:
            continue
        joined = posixpath.normpath(posixpath.join(base, unquote(parts.path)))
        out.add("" if joined == "." else joined + ("/" if parts.path.endswith("/") else ""))
    return out
