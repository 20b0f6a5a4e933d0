"""Writing a file whole or not at all (``generator/atomic.py``): the session's cache, its state, the search
bundle's cache and the preview's fast render all replace files this one way."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from generator.atomic import atomic_file, write_atomic


def test_a_file_is_replaced_by_a_new_one_and_a_hard_link_to_the_old_keeps_its_bytes(tmp_path: Path) -> None:
    page = tmp_path / "index.html"
    page.write_bytes(b"old")
    spare = tmp_path / "spare.html"
    os.link(page, spare)  # the preview's output shares unchanged pages with the spare edition this way
    write_atomic(page, b"new")
    assert page.read_bytes() == b"new"
    assert spare.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.html", "spare.html"]


def test_a_write_that_fails_leaves_the_old_file_and_no_temporary_one(tmp_path: Path) -> None:
    cache = tmp_path / "session.pickle"
    cache.write_bytes(b"last build")
    with pytest.raises(ValueError, match="cannot pickle"), atomic_file(cache) as out:
        out.write(b"half a ")
        raise ValueError("cannot pickle this")
    assert cache.read_bytes() == b"last build"
    assert [p.name for p in tmp_path.iterdir()] == ["session.pickle"]


def test_an_interrupted_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    with pytest.raises(KeyboardInterrupt), atomic_file(tmp_path / "state") as out:
        out.write(b"{")
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_a_new_file_is_private_unless_a_mode_is_given(tmp_path: Path) -> None:
    write_atomic(tmp_path / "cache", b"x")
    write_atomic(tmp_path / "page.html", b"<p>x</p>", mode=0o644)  # a page of the site: readable by a web server
    assert stat.S_IMODE((tmp_path / "cache").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "page.html").stat().st_mode) == 0o644


def test_a_missing_folder_is_an_os_error_and_nothing_is_made(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        write_atomic(tmp_path / "gone" / "state", b"x")
    assert list(tmp_path.iterdir()) == []
