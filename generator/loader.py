"""Stage 1 — load: read the site folder from disk into plain, frozen records.

This and the writer are the only stages that touch the disk. A file that is
not UTF-8 is reported here (with the line of its first bad byte) and left out.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Diagnostics
from .model import StaticFile
from .theme import theme_assets_dir

CONTENT_KINDS = {
    "incidents": "incident",
    "sources": "source",
    "entities": "entity",
    "reports": "report",
    "pages": "page",
}
CONFIG_NAME = "site.yaml"


class UsageError(Exception):
    """The command was pointed at something that is not a site (exit status 2)."""


@dataclass(frozen=True, slots=True)
class RawFile:
    path: str  # relative to the site folder, forward slashes
    kind: str  # incident | source | entity | report | page
    text: str


@dataclass(frozen=True, slots=True)
class LoadedSite:
    root: Path
    config_text: str
    files: tuple[RawFile, ...]
    static: tuple[StaticFile, ...]
    templates_dir: Path | None
    theme_assets: tuple[StaticFile, ...]  # the default theme's CSS and images, under assets/


def load_site(root: Path, diags: Diagnostics) -> LoadedSite:
    root = Path(root).resolve()
    config_path = root / CONFIG_NAME
    if not config_path.is_file():
        raise UsageError(f"{root}: no {CONFIG_NAME} here; a Docket site is a folder with a {CONFIG_NAME}")
    config_text = read_text(config_path, CONFIG_NAME, diags) or ""
    files = []
    for folder, kind in CONTENT_KINDS.items():
        for path in _markdown_files(root / "content" / folder, root, diags):
            text = read_text(root / path, path, diags)
            if text is not None:
                files.append(RawFile(path, kind, text))
    templates = root / "templates"
    # The theme's assets, then a site's own templates/assets/ over them, file by file.
    assets = [*_static_files(theme_assets_dir())]
    if templates.is_dir() and templates.resolve() != theme_assets_dir().parent.resolve():
        assets += _static_files(templates / "assets")
    theme = tuple(StaticFile(f.source, "assets/" + f.target) for f in assets)
    return LoadedSite(root, config_text, tuple(files), _static_files(root / "static"),
                      templates if templates.is_dir() else None, theme)


def read_text(path: Path, shown: str, diags: Diagnostics) -> str | None:
    try:
        data = path.read_bytes()
    except OSError as exc:
        diags.error(shown, 0, "", f"cannot read file: {exc.strerror or exc}")
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        diags.error(shown, line, "", f"not valid UTF-8 (byte 0x{data[exc.start]:02x})",
                    "save the file with UTF-8 encoding")
        return None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        diags.error(shown, line, "", "contains a NUL character; is this a binary file?")
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _visible(name: str) -> bool:
    # Editors leave hidden and backup files next to the ones being edited.
    return not name.startswith((".", "#", "_")) and not name.endswith("~")


def _markdown_files(folder: Path, root: Path, diags: Diagnostics) -> list[str]:
    if not folder.is_dir():
        return []
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if _visible(d))
        for name in sorted(filenames):
            if not _visible(name):
                continue
            rel = (Path(dirpath) / name).relative_to(root).as_posix()
            if name.endswith(".md"):
                found.append(rel)
            else:
                diags.warning(rel, 0, "", "not a Markdown file; ignored", "content files end in .md")
    return sorted(found)


def _static_files(folder: Path) -> tuple[StaticFile, ...]:
    if not folder.is_dir():
        return ()
    out = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            full = Path(dirpath) / name
            out.append(StaticFile(str(full), full.relative_to(folder).as_posix()))
    return tuple(sorted(out, key=lambda f: f.target))
