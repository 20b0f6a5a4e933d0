"""Stage 1 — load: read the site folder from disk into plain, frozen records.

This is the stage that reads the site (Jinja reads the templates itself); the
writer, the caches and the preview's fast render write (docs/architecture.md
says which). A file that is not UTF-8 is reported here (with the line of its
first bad byte) and left out.

Docket reads regular files, and symbolic links that resolve inside the site
folder; everything else is refused or skipped. A link out of the site could
publish any file on the machine (``static/passwd -> /etc/passwd``), so it is
an error, as is a broken link. ``static/`` and ``templates/`` are copied (or
included) as they are, so a link there must stay inside its own folder: one
into ``content/`` would publish an embargoed file raw, one into the build
cache the cache, one into an output folder the previous edition. No link
anywhere may lead into the cache or an output folder (see ``Fence``). A
FIFO, socket or device is skipped with a warning, because opening one can
block the build forever. The folders are
walked with ``os.scandir`` and ``os.lstat``, so nothing is opened before its
type is known, and files are opened non-blocking in case one was swapped for
a FIFO since. Every ``StaticFile`` handed to the writer names a resolved,
regular file. The default theme's own files are trusted and may link anywhere.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Diagnostics
from .errors import UsageError
from .fence import Fence, refusal, where
from .gitdates import first_commits
from .model import StaticFile
from .theme import is_theme_dir, theme_assets_dir

CONTENT_KINDS = {
    "incidents": "incident",
    "sources": "source",
    "entities": "entity",
    "reports": "report",
    "pages": "page",
    "tags": "tag",
}
CONFIG_NAME = "site.yaml"
THEME_ASSETS_SHOWN = "(default theme) assets"  # as render.py names the theme's own files

# O_NONBLOCK: a FIFO that replaced a checked file opens at once instead of waiting for a writer.
# O_NOFOLLOW: Docket opens resolved paths, so a link appearing there since was not checked.
_OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
               | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
_SPECIAL_KINDS: tuple[tuple[Callable[[int], bool], str], ...] = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


@dataclass(frozen=True, slots=True)
class RawFile:
    path: str  # relative to the site folder, forward slashes
    kind: str  # incident | source | entity | report | page
    text: str
    # When git first saw the file (ISO 8601), where the site is a repository; "" otherwise. An
    # input like the text: committing a file changes its publication date, and so its pages.
    first_commit: str = ""


@dataclass(frozen=True, slots=True)
class LoadedSite:
    root: Path
    config_text: str
    files: tuple[RawFile, ...]
    static: tuple[StaticFile, ...]
    templates_dir: Path | None
    theme_assets: tuple[StaticFile, ...]  # the default theme's CSS and images, under assets/
    # The site's checked template files, relative to templates/ (assets/ left out); a Jinja
    # loader limited to these could never open anything the loader has not seen.
    template_names: tuple[str, ...] = ()
    # Content files that could not be read (not UTF-8, a NUL byte…), as (path, kind): their
    # error is reported here, and references to what they define are not reported again.
    unread: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class _Entry:
    real: Path  # resolved: the file or folder Docket actually reads
    is_dir: bool


@dataclass(frozen=True, slots=True)
class _Refused:
    is_error: bool  # a refused link stops the build; a skipped special file is only a warning
    message: str
    hint: str = ""


@dataclass(frozen=True, slots=True)
class _Found:
    rel: str  # below the walked folder, forward slashes; a link keeps its own name
    real: Path  # resolved


def load_site(root: Path, diags: Diagnostics) -> LoadedSite:
    # Resolved once, so that a site reached through a link (/tmp -> /private/tmp) compares right.
    root = Path(os.path.realpath(root))
    config_text = _read_config(root, diags)
    files, unread = _content_files(root, diags, first_commits(root, diags))
    templates_dir, template_names, site_assets = _site_templates(root, diags)
    # The theme's assets, then a site's own templates/assets/ over them, file by file.
    assets = [*_static_files(_theme_assets(diags)), *_static_files(site_assets)]
    theme = tuple(StaticFile(f.source, "assets/" + f.target) for f in assets)
    static = _static_files(_copied(root, "static", diags)[1])
    return LoadedSite(root, config_text, tuple(files), static, templates_dir, theme, template_names, tuple(unread))


def read_text(path: Path, shown: str, diags: Diagnostics) -> str | None:
    data = _read_regular(path)
    if isinstance(data, _Refused):
        _report(diags, shown, data)
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


# --------------------------------------------------------------------------
# The site's parts


def _read_config(root: Path, diags: Diagnostics) -> str:
    """site.yaml's text; anything but a usable file there means this is no site (exit status 2)."""
    config_path = root / CONFIG_NAME
    found = _inspect(config_path, Fence(root))
    if found is None or (isinstance(found, _Entry) and found.is_dir):
        raise UsageError(f"{root}: no {CONFIG_NAME} here; a Docket site is a folder with a {CONFIG_NAME}")
    if isinstance(found, _Refused):
        hint = f"; {found.hint}" if found.hint else ""
        raise UsageError(f"{config_path}: {found.message}{hint}")
    return read_text(found.real, CONFIG_NAME, diags) or ""


def _content_files(root: Path, diags: Diagnostics,
                   committed: dict[str, str]) -> tuple[list[RawFile], list[tuple[str, str]]]:
    files, unread = [], []
    # Content is validated (drafts and embargoes are honoured), so its links may lead anywhere in
    # the site but the cache and output folders.
    fence = Fence(root)
    for folder, kind in CONTENT_KINDS.items():
        shown_top = f"content/{folder}"
        for found in _checked_walk(root, ("content", folder), fence, _visible, diags):
            path = f"{shown_top}/{found.rel}"
            if not found.rel.endswith(".md"):
                diags.warning(path, 0, "", "not a Markdown file; ignored", "content files end in .md")
                continue
            text = read_text(found.real, path, diags)
            if text is not None:
                files.append(RawFile(path, kind, text, committed.get(path, "")))
            else:
                unread.append((path, kind))
    return files, unread


def _site_templates(root: Path, diags: Diagnostics) -> tuple[Path | None, tuple[str, ...], list[_Found]]:
    """templates/ (as render.py takes it), its checked template names, and its assets/ files."""
    templates = root / "templates"
    if is_theme_dir(templates):  # the repository's own example site: its templates/ is the trusted theme
        return templates, (), []
    top, found = _copied(root, "templates", diags)
    if top is None:
        return None, (), []
    names = tuple(f.rel for f in found if not f.rel.startswith("assets/"))
    assets = [_Found(f.rel.removeprefix("assets/"), f.real) for f in found if f.rel.startswith("assets/")]
    # render.py hands Jinja the site's own path, not top: each step of it has just been checked.
    return templates, names, assets


def _theme_assets(diags: Diagnostics) -> list[_Found]:
    folder = theme_assets_dir()
    return _checked_files(folder, THEME_ASSETS_SHOWN, Fence(None), diags) if folder.is_dir() else []


def _copied(root: Path, name: str, diags: Diagnostics) -> tuple[Path | None, list[_Found]]:
    """static/ or templates/ resolved, and its files: links there stay inside the folder itself."""
    content = Path(os.path.realpath(root / "content"))
    top = _folder(root, (name,), Fence(root, name, content), diags)
    if top is None:
        return None, []
    return top, _checked_files(top, name, Fence(root, name, content, top), diags)


def _checked_files(top: Path, shown_top: str, fence: Fence, diags: Diagnostics) -> list[_Found]:
    """Every file under ``top`` (hidden ones left out) that the writer or Jinja can safely open."""
    return [f for f in _walk(top, shown_top, fence, _not_hidden, diags)
            if _readable(f.real, f"{shown_top}/{f.rel}", diags)]


def _checked_walk(root: Path, parts: tuple[str, ...], fence: Fence, visible: Callable[[str], bool],
                  diags: Diagnostics) -> list[_Found]:
    top = _folder(root, parts, fence, diags)
    return [] if top is None else _walk(top, "/".join(parts), fence, visible, diags)


def _static_files(found: list[_Found]) -> tuple[StaticFile, ...]:
    return tuple(sorted((StaticFile(str(f.real), f.rel) for f in found), key=lambda f: f.target))


def _visible(name: str) -> bool:
    # Editors leave hidden and backup files next to the ones being edited.
    return not name.startswith((".", "#", "_")) and not name.endswith("~")


def _not_hidden(name: str) -> bool:
    # static/ and templates/ keep _underscored and backup~ names (the theme has _macros.html).
    return not name.startswith(".")


# --------------------------------------------------------------------------
# Walking the disk safely


def _folder(base: Path, parts: tuple[str, ...], fence: Fence, diags: Diagnostics) -> Path | None:
    """The resolved folder base/parts, each step checked like any entry; None when absent or refused."""
    real = base
    for depth, part in enumerate(parts, start=1):
        found = _inspect(real / part, fence)
        if isinstance(found, _Refused):
            _report(diags, "/".join(parts[:depth]), found)
            return None
        if found is None or not found.is_dir:  # an optional folder that is not there
            return None
        real = found.real
    return real


def _walk(top: Path, shown_top: str, fence: Fence, visible: Callable[[str], bool],
          diags: Diagnostics) -> list[_Found]:
    """Every regular file under the resolved folder ``top``, following links only where ``fence`` allows.

    A folder is walked through a link only if it is not one of the folders
    already being walked on the way down, so that a link back up ends the
    walk instead of looping. An explicit stack rather than recursion keeps
    very deep trees from exhausting Python's stack.
    """
    found: list[_Found] = []
    stack: list[tuple[Path, str, frozenset[Path]]] = [(top, "", frozenset({top}))]
    while stack:
        folder, rel, above = stack.pop()
        for name in _names(folder, _join(shown_top, rel), diags):
            if not visible(name):
                continue
            child = _join(rel, name)
            shown = _join(shown_top, child)
            entry = _inspect(folder / name, fence)
            if entry is None:  # listed a moment ago
                diags.error(shown, 0, "", "disappeared while the site was being read", "build again")
            elif isinstance(entry, _Refused):
                _report(diags, shown, entry)
            elif not entry.is_dir:
                found.append(_Found(child, entry.real))
            elif entry.real in above:
                diags.error(shown, 0, "", f"symbolic link to {where(entry.real, fence.site)}, a folder that "
                            "holds the link; not followed", "a link back up would be walked forever")
            else:
                stack.append((entry.real, child, above | {entry.real}))
    return sorted(found, key=lambda f: f.rel)


def _names(folder: Path, shown: str, diags: Diagnostics) -> list[str]:
    try:
        with os.scandir(folder) as entries:
            return sorted(entry.name for entry in entries)
    except OSError as exc:
        diags.error(shown, 0, "", f"cannot read folder: {_reason(exc)}")
        return []


def _inspect(path: Path, fence: Fence) -> _Entry | _Refused | None:
    """What ``path`` is, without opening it; None when it does not exist.

    A symbolic link is followed only where ``fence`` allows.
    """
    try:
        info = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        return _Refused(True, f"cannot read file: {_reason(exc)}")
    real = path
    if stat.S_ISLNK(info.st_mode):
        followed = _follow(path, fence)
        if isinstance(followed, _Refused):
            return followed
        real = followed
        try:
            info = os.stat(real)
        except OSError as exc:  # the target went away after it was resolved
            return _Refused(True, f"cannot read file: {_reason(exc)}")
    if stat.S_ISDIR(info.st_mode):
        return _Entry(real, True)
    if stat.S_ISREG(info.st_mode):
        return _Entry(real, False)
    return _not_regular(info.st_mode)


def _follow(link: Path, fence: Fence) -> Path | _Refused:
    """Where ``link`` finally leads, or why Docket will not go there."""
    try:
        pointed = os.readlink(link)
    except OSError as exc:
        return _Refused(True, f"cannot read symbolic link: {_reason(exc)}")
    try:
        real = Path(os.path.realpath(link, strict=True))
    except FileNotFoundError:
        return _Refused(True, f"broken symbolic link to {pointed}: nothing is there",
                        "remove the link or restore what it points to")
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return _Refused(True, f"symbolic link loop: {pointed} leads back to itself", "remove the link")
        return _Refused(True, f"cannot follow symbolic link to {pointed}: {_reason(exc)}")
    refused = refusal(real, fence)
    return real if refused is None else _Refused(True, *refused)


def _readable(path: Path, shown: str, diags: Diagnostics) -> bool:
    """Whether the writer (or Jinja) can open ``path``; said now as a diagnostic, not later as a traceback."""
    opened = _open_regular(path)
    if isinstance(opened, _Refused):
        _report(diags, shown, opened)
        return False
    os.close(opened)
    return True


def _read_regular(path: Path) -> bytes | _Refused:
    opened = _open_regular(path)
    if isinstance(opened, _Refused):
        return opened
    try:
        with os.fdopen(opened, "rb") as file:
            return file.read()
    except OSError as exc:
        return _Refused(True, f"cannot read file: {_reason(exc)}")


def _open_regular(path: Path) -> int | _Refused:
    """A descriptor for reading ``path`` if it is (still) a regular file."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        return _Refused(True, f"cannot read file: {_reason(exc)}")
    try:
        mode = os.fstat(fd).st_mode
    except OSError as exc:
        os.close(fd)
        return _Refused(True, f"cannot read file: {_reason(exc)}")
    if not stat.S_ISREG(mode):
        os.close(fd)
        return _not_regular(mode)
    return fd


def _not_regular(mode: int) -> _Refused:
    kind = next((name for test, name in _SPECIAL_KINDS if test(mode)), "an unknown kind of file")
    return _Refused(False, f"not a regular file ({kind}); skipped", "Docket reads only regular files")


def _report(diags: Diagnostics, shown: str, refused: _Refused) -> None:
    report = diags.error if refused.is_error else diags.warning
    report(shown, 0, "", refused.message, refused.hint)


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _join(folder: str, name: str) -> str:
    return f"{folder}/{name}" if folder else name
