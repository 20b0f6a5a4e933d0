"""What Docket reads from disk: regular files, and symbolic links that resolve inside the site folder.

A link out of the site (``static/passwd -> /etc/passwd``) or a broken link is
an error naming the link and where it points, and nothing is written. FIFOs,
sockets and devices are skipped with a warning, never opened (opening a FIFO
blocks until something writes to it). Unreadable files and files that vanish
mid-walk are one-line diagnostics, never tracebacks. Tests run as root, so
permission errors and vanishing files are injected in-process.
"""

from __future__ import annotations

import builtins
import errno
import io
import os
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Self

import pytest
from helpers import (
    INCIDENT,
    Run,
    assert_no_traceback,
    build_fails,
    build_ok,
    docket,
    expect,
    page,
    snapshot,
    write_site,
)

SECRET = "root:x:0:0:TOP-SECRET-MARKER:/root:/bin/bash\n"
# A build that hangs on a FIFO must fail the test, not the suite.
TIMEOUT = 30


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A small site in tmp_path/site; tmp_path/outside.txt is a file beyond it."""
    (tmp_path / "outside.txt").write_text(SECRET, encoding="utf-8")
    return write_site(tmp_path / "site", {"content/incidents/fire.md": INCIDENT})


def link(path: Path, target: str | Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, path)
    return path


def never_published(site: Path, text: str = "TOP-SECRET-MARKER") -> None:
    for rel, data in snapshot(site / "output").items():
        assert text.encode() not in data, f"{rel} holds what a link pointed at"


# -- symbolic links out of the site ----------------------------------------------

@pytest.mark.parametrize("rel", [
    "static/passwd",
    "static/img/passwd.txt",
    "templates/assets/leak.css",
    "templates/page.html",
    "content/incidents/leak.md",
    "content/pages/about.md",
])
def test_a_link_to_a_file_outside_the_site_is_refused(site: Path, rel: str) -> None:
    link(site / rel, site.parent / "outside.txt")
    run = build_fails(site)
    expect(run, rel, 0, "", "symbolic link to", str((site.parent / "outside.txt").resolve()), "outside the site")
    never_published(site)


def test_a_link_to_etc_passwd_is_refused(site: Path) -> None:
    link(site / "static/passwd", "/etc/passwd")
    run = build_fails(site)
    expect(run, "static/passwd", 0, "", "symbolic link to /etc/passwd", "outside the site folder")


@pytest.mark.parametrize("rel", ["static/shared", "templates/assets/shared", "content/incidents/shared",
                                 "static", "content", "templates"])
def test_a_link_to_a_folder_outside_the_site_is_refused(site: Path, rel: str) -> None:
    outside = site.parent / "shared"
    (outside / "incidents").mkdir(parents=True)
    (outside / "leak.md").write_text(INCIDENT, encoding="utf-8")
    (outside / "incidents/leak.md").write_text(INCIDENT, encoding="utf-8")
    (outside / "leak.css").write_text(SECRET, encoding="utf-8")
    if (site / rel).is_dir():
        os.rename(site / rel, site.parent / "moved")
    link(site / rel, outside)
    run = build_fails(site)
    expect(run, rel, 0, "", "symbolic link to", str(outside.resolve()), "outside the site")


def test_a_relative_link_that_climbs_out_of_the_site_is_refused(site: Path) -> None:
    link(site / "static/deep/x.txt", "../../../outside.txt")
    run = build_fails(site)
    expect(run, "static/deep/x.txt", 0, "", str((site.parent / "outside.txt").resolve()))


def test_site_yaml_linked_from_outside_is_refused(site: Path) -> None:
    (site.parent / "other.yaml").write_text("title: Leaked\nbase_url: https://example.org/\n", encoding="utf-8")
    (site / "site.yaml").unlink()
    link(site / "site.yaml", site.parent / "other.yaml")
    run = docket("build", site, timeout=TIMEOUT)
    assert run.returncode == 2, run.describe()
    assert_no_traceback(run)
    assert "site.yaml: refused symbolic link to" in run.stderr and "outside the site folder" in run.stderr, \
        run.describe()
    assert not (site / "output").exists()


# -- broken links and loops --------------------------------------------------------

@pytest.mark.parametrize("rel", ["static/gone.png", "templates/assets/gone.css", "templates/gone.html",
                                 "content/incidents/gone.md"])
def test_a_broken_link_is_an_error_naming_it(site: Path, rel: str) -> None:
    link(site / rel, "no-such-file")
    run = build_fails(site)
    expect(run, rel, 0, "", "broken symbolic link to no-such-file")


def test_a_broken_site_yaml_link_is_a_usage_error(site: Path) -> None:
    (site / "site.yaml").unlink()
    link(site / "site.yaml", "nowhere.yaml")
    run = docket("build", site, timeout=TIMEOUT)
    assert run.returncode == 2, run.describe()
    assert_no_traceback(run)
    assert "site.yaml: broken symbolic link to nowhere.yaml" in run.stderr, run.describe()


def test_a_link_that_leads_to_itself_is_an_error(site: Path) -> None:
    link(site / "static/a", "b")
    link(site / "static/b", "a")
    run = build_fails(site)
    expect(run, "static/a", 0, "", "symbolic link loop")
    expect(run, "static/b", 0, "", "symbolic link loop")


@pytest.mark.parametrize("rel, target", [("static/again", "."), ("static/img/up", ".."),
                                         ("content/incidents/up", "../..")])
def test_a_folder_link_back_up_is_not_followed(site: Path, rel: str, target: str) -> None:
    (site / "static/img").mkdir(parents=True)
    (site / "static/img/map.png").write_bytes(b"\x89PNG")
    link(site / rel, target)
    run = build_fails(site)
    # Through content/incidents/up the walk sees the whole site; it ends where it comes back round.
    loops = [d for d in run.errors if d.path.startswith(rel) and "a folder that holds the link" in d.text]
    assert loops, run.describe()


# -- symbolic links inside the site are fine ----------------------------------------

def test_links_inside_the_site_are_followed(site: Path) -> None:
    # Content links may lead anywhere in the site; those of static/ and templates/ stay in their
    # own folder (tests/test_links_in_site.py).
    write_site(site, {
        "static/media/logo.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>\n",
        "static/media/photos/one.jpg": b"JPEG one",
        "archive/2022/old-fire.md": INCIDENT.replace("Fire at the depot", "The old fire"),
        "templates/shared/page.html": '{% extends "default/page.html" %}{% block content %}<h1>Linked</h1>'
                                      '{% endblock %}\n',
        "content/pages/about.md": "---\ntitle: About\n---\nHello.\n",
    })
    link(site / "static/logo.svg", "media/logo.svg")
    link(site / "static/photos", "media/photos")  # a folder
    link(site / "static/abs.svg", site / "static/media/logo.svg")  # absolute, still inside
    link(site / "content/incidents/2022", "../../archive/2022")
    link(site / "templates/page.html", "shared/page.html")
    build_ok(site)
    out = site / "output"
    assert (out / "logo.svg").read_bytes() == (site / "static/media/logo.svg").read_bytes()
    assert (out / "abs.svg").is_file() and not (out / "abs.svg").is_symlink()
    assert (out / "photos/one.jpg").read_bytes() == b"JPEG one"
    assert page(site, "incidents/old-fire/").find("h1").get_text(strip=True) == "The old fire"
    assert page(site, "about/").find("h1").get_text() == "Linked"


def test_a_site_reached_through_a_link_compares_resolved_paths(site: Path) -> None:
    # As on macOS, where /tmp is a link to /private/tmp: links inside the site point
    # at the unresolved path, and the site itself is named by it.
    alias = link(site.parent / "alias", site)
    write_site(site, {"static/media/logo.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>\n"})
    link(site / "static/logo.svg", alias / "static/media/logo.svg")
    build_ok(alias)
    assert (site / "output/logo.svg").is_file()


def test_the_theme_is_trusted_though_it_lies_outside_the_site(site: Path) -> None:
    build_ok(site)
    assert (site / "output/assets/docket.css").is_file()


# -- FIFOs, sockets and devices are skipped, not opened --------------------------------

def build_with_timeout(site: Path) -> Run:
    try:
        run = docket("build", site, timeout=TIMEOUT)
    except subprocess.TimeoutExpired as exc:  # the build blocked on the FIFO
        pytest.fail(f"docket build did not finish: {exc}")
    assert run.returncode == 0, run.describe()
    assert_no_traceback(run)
    return run


@pytest.mark.parametrize("rel", ["content/incidents/pipe.md", "content/incidents/pipe.txt", "static/pipe",
                                 "static/img/pipe.png", "templates/assets/pipe.css", "templates/x.html",
                                 "templates/base.html"])
def test_a_fifo_is_skipped_with_a_warning(site: Path, rel: str) -> None:
    (site / rel).parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(site / rel)
    run = build_with_timeout(site)
    expect(run, rel, 0, "", "not a regular file (a FIFO); skipped", severity="warning")
    assert page(site, "incidents/fire/").find("h1").get_text(strip=True) == "Fire at the depot"


def test_a_link_inside_the_site_to_a_fifo_is_skipped(site: Path) -> None:
    (site / "static/fifo").mkdir(parents=True)
    os.mkfifo(site / "static/fifo/pipe")
    link(site / "static/pipe.css", "fifo/pipe")
    run = build_with_timeout(site)
    expect(run, "static/pipe.css", 0, "", "not a regular file (a FIFO)", severity="warning")


def test_a_unix_socket_is_skipped_with_a_warning(site: Path) -> None:
    (site / "static").mkdir()
    # AF_UNIX paths are limited to about 100 bytes; bind through a short relative path.
    here = os.getcwd()
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        os.chdir(site / "static")
        sock.bind("sock")
    finally:
        os.chdir(here)
    try:
        run = build_with_timeout(site)
    finally:
        sock.close()
    expect(run, "static/sock", 0, "", "not a regular file (a socket); skipped", severity="warning")


def test_a_device_file_is_skipped(site: Path) -> None:
    # A link to /dev/null would be refused as outside; a device node in the site is skipped.
    try:
        os.mknod(site / "static-null", 0o600 | 0o020000, os.makedev(1, 3))
    except PermissionError:
        pytest.fail("making a device node needs root (CAP_MKNOD): run the tests as root, as CI does",
                    pytrace=False)
    (site / "static").mkdir()
    os.rename(site / "static-null", site / "static/null")
    run = build_with_timeout(site)
    expect(run, "static/null", 0, "", "not a regular file (a character device)", severity="warning")


def test_site_yaml_as_a_fifo_is_a_usage_error(site: Path) -> None:
    (site / "site.yaml").unlink()
    os.mkfifo(site / "site.yaml")
    run = docket("build", site, timeout=TIMEOUT)
    assert run.returncode == 2, run.describe()
    assert_no_traceback(run)
    assert "site.yaml: not a regular file (a FIFO)" in run.stderr, run.describe()


# -- unreadable and vanishing files (injected: the tests run as root) ---------------------

def in_process_build(site: Path) -> Any:
    """``build()`` in this process, so that disk failures can be injected; it must not raise."""
    from generator.build import build

    return build(site)


def messages(result: Any) -> list[str]:
    return [d.format() for d in result.diagnostics.sorted()]


@pytest.fixture
def deny(monkeypatch: pytest.MonkeyPatch) -> Any:
    """``deny(name)``: opening a file with that name fails as if it were mode 000 for another user."""
    names: set[str] = set()

    def refuse(path: Any) -> None:
        if isinstance(path, (str, bytes, os.PathLike)) and os.path.basename(os.fsdecode(path)) in names:
            raise PermissionError(errno.EACCES, "Permission denied", os.fsdecode(path))

    real_os_open, real_open, real_io_open = os.open, builtins.open, io.open

    def os_open(path: Any, *args: Any, **kwargs: Any) -> int:
        refuse(path)
        return real_os_open(path, *args, **kwargs)

    def open_(file: Any, *args: Any, **kwargs: Any) -> Any:
        refuse(file)
        return real_open(file, *args, **kwargs)

    def io_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        refuse(file)
        return real_io_open(file, *args, **kwargs)

    monkeypatch.setattr(os, "open", os_open)
    monkeypatch.setattr(builtins, "open", open_)
    monkeypatch.setattr(io, "open", io_open)
    return names.add


@pytest.mark.parametrize("rel", ["static/locked.png", "templates/assets/locked.css", "content/incidents/locked.md"])
def test_an_unreadable_file_is_one_diagnostic(site: Path, deny: Any, rel: str) -> None:
    write_site(site, {rel: INCIDENT})
    deny("locked" + Path(rel).suffix)
    result = in_process_build(site)
    assert not result.ok
    assert f"{rel}: error: cannot read file: Permission denied" in messages(result)
    assert not (site / "output").exists()


class _Phantom:
    """A directory entry for a file that was deleted between the listing and the look at it."""

    def __init__(self, folder: str, name: str) -> None:
        self.name, self.path = name, os.path.join(folder, name)

    def is_dir(self, *, follow_symlinks: bool = True) -> bool:
        return False

    def is_file(self, *, follow_symlinks: bool = True) -> bool:
        return True

    def is_symlink(self) -> bool:
        return False

    def is_junction(self) -> bool:
        return False

    def stat(self, *, follow_symlinks: bool = True) -> os.stat_result:
        raise FileNotFoundError(errno.ENOENT, "No such file or directory", self.path)

    def inode(self) -> int:
        return 0


class _Listing:
    """What ``os.scandir`` returns: a context manager and an iterator (``os.walk`` calls ``next()``)."""

    def __init__(self, entries: list[Any]) -> None:
        self.entries = iter(entries)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def __iter__(self) -> Iterator[Any]:
        return self

    def __next__(self) -> Any:
        return next(self.entries)

    def close(self) -> None:
        return None


@pytest.mark.parametrize("folder, name", [("static", "ghost.png"), ("content/incidents", "ghost.md"),
                                          ("templates/assets", "ghost.css")])
def test_a_file_that_vanishes_mid_walk_is_one_diagnostic(site: Path, monkeypatch: pytest.MonkeyPatch,
                                                         folder: str, name: str) -> None:
    (site / folder).mkdir(parents=True, exist_ok=True)
    watched = str((site / folder).resolve())
    real_scandir = os.scandir

    def scandir(path: Any = ".") -> Any:
        if isinstance(path, int):  # shutil.rmtree lists folders by descriptor
            return real_scandir(path)
        with real_scandir(path) as listing:
            entries = list(listing)
        if os.path.realpath(os.fspath(path)) == watched:
            entries.append(_Phantom(os.fspath(path), name))
        return _Listing(entries)

    monkeypatch.setattr(os, "scandir", scandir)
    result = in_process_build(site)
    assert not result.ok
    shown = [m for m in messages(result) if m.startswith(f"{folder}/{name}: error: ")]
    assert len(shown) == 1, messages(result)


def test_an_unreadable_folder_is_one_diagnostic(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (site / "static/private").mkdir(parents=True)
    (site / "static/private/a.txt").write_text("a", encoding="utf-8")
    watched = str((site / "static/private").resolve())
    real_scandir = os.scandir

    def scandir(path: Any = ".") -> Any:
        if not isinstance(path, int) and os.path.realpath(os.fspath(path)) == watched:
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = in_process_build(site)
    assert not result.ok
    assert "static/private: error: cannot read folder: Permission denied" in messages(result)
