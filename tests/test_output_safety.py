"""The output folder: Docket replaces only what it made, and machine failures are one-line errors.

Docket writes only into a missing folder, an empty one, or one carrying its
manifest (``.docket-manifest.json``) from an earlier build. Anything else —
someone's folder, a file, a symbolic link, the site's own files — is refused
with exit status 2 and left exactly as it was. A full disk or a read-only
folder ends in one ``docket: error:`` line naming the path and the reason,
exit status 2, the previous output untouched and no staging folder left.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import hashlib
import io
import json
import os
import resource
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import (
    INCIDENT,
    REPO,
    Run,
    assert_no_traceback,
    build_ok,
    docket,
    page,
    snapshot,
    stray_build_folders,
    write_site,
)

from generator import cli, writer
from generator.errors import UsageError
from generator.writer import StagedOutput

MANIFEST = ".docket-manifest.json"
FIRE = "content/incidents/fire.md"


def small_site(root: Path) -> Path:
    return write_site(root, {FIRE: INCIDENT})


def tree(root: Path) -> dict[str, bytes | str]:
    """Every entry under ``root``: file bytes, "<dir>", or "-> target" for links (not followed).

    The site's build cache (``.docket-cache/``, Docket's own and disposable) is left out.
    """
    out: dict[str, bytes | str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            rel = path.relative_to(root).as_posix()
            if ".docket-cache" in rel.split("/"):
                continue
            if path.is_symlink():
                out[rel] = "-> " + os.readlink(path)
            elif path.is_dir():
                out[rel] = "<dir>"
            else:
                out[rel] = path.read_bytes()
    return out


def refused(run: Run, path: Path, *phrases: str) -> str:
    """Assert exit 2 and exactly one ``docket: error:`` line naming ``path``; return that line."""
    assert run.returncode == 2, run.describe()
    assert_no_traceback(run)
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("docket: error: "), run.describe()
    assert str(path) in lines[0], run.describe()
    for phrase in phrases:
        assert phrase in lines[0], run.describe()
    return lines[0]


def manifest_matches(out: Path) -> None:
    """The manifest lists exactly the files in ``out`` (itself aside), with their sizes and SHA-256."""
    data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert data["generator"] == "docket" and data["version"] and data["format"] == 1
    listed = {item["path"]: (item["size"], item["sha256"]) for item in data["files"]}
    present = {rel: (len(blob), hashlib.sha256(blob).hexdigest()) for rel, blob in snapshot(out).items()
               if rel != MANIFEST}
    assert listed == present
    assert [item["path"] for item in data["files"]] == sorted(listed)


# --------------------------------------------------------------------------
# Ownership: what Docket may replace


@pytest.mark.parametrize("where", ["default", "elsewhere"])
def test_a_folder_docket_did_not_make_is_refused_and_left_alone(tmp_path: Path, where: str) -> None:
    site = small_site(tmp_path / "site")
    out = site / "output" if where == "default" else tmp_path / "my-notes"
    (out / "drafts").mkdir(parents=True)
    (out / "drafts" / "interview.txt").write_text("the only copy of my interview notes\n")
    (out / "index.html").write_text("my own page\n")
    before = tree(tmp_path)
    run = docket("build", site, *(["--output", out] if where == "elsewhere" else []))
    refused(run, out, f"not a Docket output folder (no {MANIFEST}) and not empty",
            "remove it or choose an empty folder with --output")
    assert tree(tmp_path) == before


def test_a_file_is_never_turned_into_a_folder(tmp_path: Path) -> None:
    site = small_site(tmp_path / "site")
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n")
    before = tree(tmp_path)
    refused(docket("build", site, "--output", notes), notes, "is a file, not a folder", "--output")
    assert tree(tmp_path) == before


@pytest.mark.parametrize("rel", ["site.yaml", "content", "content/incidents", "content/new", "templates",
                                 "static", "static/img", ".", "..", "../.."])
def test_the_site_itself_is_never_an_output(tmp_path: Path, rel: str) -> None:
    site = write_site(tmp_path / "a" / "site", {FIRE: INCIDENT, "templates/page.html": "{{ page.title }}\n",
                                                 "static/img/map.png": b"\x89PNG fake"})
    before = tree(tmp_path)
    run = docket("build", site, "--output", site / rel)
    refused(run, (site / rel).resolve(), "--output")
    assert tree(tmp_path) == before


def test_site_yaml_as_output_names_the_site_file(tmp_path: Path) -> None:
    site = small_site(tmp_path)
    refused(docket("build", site, "--output", site / "site.yaml"), site / "site.yaml", "overlaps the site's site.yaml")
    assert (site / "site.yaml").is_file()


@pytest.mark.parametrize("points_to", ["folder with files", "earlier docket output", "nothing"])
def test_an_output_symlink_in_the_site_is_refused_not_followed(tmp_path: Path, points_to: str) -> None:
    site = small_site(tmp_path / "site")
    elsewhere = tmp_path / "elsewhere"
    if points_to == "folder with files":
        (elsewhere / "photos").mkdir(parents=True)
        (elsewhere / "photos" / "1.jpg").write_bytes(b"\xff\xd8 a photo")
    elif points_to == "earlier docket output":
        build_ok(small_site(tmp_path / "other"), "--output", elsewhere)
    (site / "output").symlink_to(elsewhere, target_is_directory=True)  # as if committed in the site
    before = tree(tmp_path)
    refused(docket("build", site), site / "output", "symbolic link", "--output")
    assert tree(tmp_path) == before


def test_output_given_as_a_symlink_is_refused(tmp_path: Path) -> None:
    site = small_site(tmp_path / "site")
    (tmp_path / "real").mkdir()
    link = tmp_path / "public"
    link.symlink_to(tmp_path / "real", target_is_directory=True)
    refused(docket("build", site, "--output", link), link, "symbolic link")
    assert link.is_symlink() and list((tmp_path / "real").iterdir()) == []


@pytest.mark.parametrize("marker", ["{}", "not json", '{"generator": "hugo"}', "directory", "symlink"])
def test_only_a_real_docket_manifest_marks_a_folder_as_docket_s(tmp_path: Path, marker: str) -> None:
    site = small_site(tmp_path / "site")
    out = tmp_path / "public"
    out.mkdir()
    (out / "index.html").write_text("someone's page\n")
    if marker == "directory":
        (out / MANIFEST).mkdir()
    elif marker == "symlink":
        build_ok(small_site(tmp_path / "other"), "--output", tmp_path / "built")
        (out / MANIFEST).symlink_to(tmp_path / "built" / MANIFEST)
    else:
        (out / MANIFEST).write_text(marker)
    before = tree(tmp_path)
    refused(docket("build", site, "--output", out), out, "not a Docket output folder")
    assert tree(tmp_path) == before


def test_builds_into_a_missing_an_empty_or_its_own_folder(tmp_path: Path) -> None:
    site = small_site(tmp_path / "site")
    missing = tmp_path / "deploy" / "public"  # parents are made too
    build_ok(site, "--output", missing)
    manifest_matches(missing)
    first = snapshot(missing)

    empty = tmp_path / "empty"
    empty.mkdir()
    build_ok(site, "--output", empty)
    assert snapshot(empty) == first  # no timestamps: the manifest is the same bytes too

    (site / "content/incidents/flood.md").write_text("---\ntitle: Flood\ndate: 2023-04-01\n---\nWater.\n")
    build_ok(site, "--output", missing)  # its own earlier output: replaced whole
    manifest_matches(missing)
    assert page(missing, "incidents/flood/").find("h1")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deploy", "empty", "site"]
    # The edition it replaced is kept beside it, as the spare the next build reuses.
    assert sorted(p.name for p in (tmp_path / "deploy").iterdir()) == [".public.spare", "public"]


def test_manifest_lists_static_files_and_the_site_s_override(tmp_path: Path) -> None:
    site = write_site(tmp_path, {FIRE: INCIDENT, "static/img/map.png": b"\x89PNG fake",
                                 "templates/assets/docket.css": "body { color: black }\n"})
    build_ok(site)
    manifest_matches(site / "output")
    files = {item["path"]: item for item in json.loads((site / "output" / MANIFEST).read_text())["files"]}
    assert files["img/map.png"]["sha256"] == hashlib.sha256(b"\x89PNG fake").hexdigest()
    assert files["assets/docket.css"]["size"] == len("body { color: black }\n")


@pytest.mark.parametrize("kind", ["folder with files", "file", "symlink"])
def test_check_writes_nothing_and_does_not_care_about_the_output(tmp_path: Path, kind: str) -> None:
    site = small_site(tmp_path / "site")
    out = site / "output"
    if kind == "folder with files":
        out.mkdir()
        (out / "mine.txt").write_text("mine\n")
    elif kind == "file":
        out.write_text("mine\n")
    else:
        out.symlink_to(tmp_path, target_is_directory=True)
    before = tree(tmp_path)
    run = docket("check", site)
    assert run.returncode == 0 and "valid" in run.stdout, run.describe()
    assert tree(tmp_path) == before


def test_an_output_replaced_during_the_build_is_not_replaced(tmp_path: Path) -> None:
    out = tmp_path / "output"
    out.mkdir()
    with pytest.raises(UsageError, match="not a Docket output folder"):
        with StagedOutput(out) as staged:
            staged.write_all([])
            (out / "someone.txt").write_text("arrived while the site was being built\n")
            staged.commit()
    assert tree(tmp_path) == {"output": "<dir>", "output/someone.txt": b"arrived while the site was being built\n"}


# --------------------------------------------------------------------------
# Publishing: the swap


def test_exchange_swaps_two_folders_in_one_step(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "from-a").touch()
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "from-b").touch()
    assert writer.exchange(tmp_path / "a", tmp_path / "b")  # Linux: renameat2(RENAME_EXCHANGE)
    assert [p.name for p in (tmp_path / "a").iterdir()] == ["from-b"]
    assert [p.name for p in (tmp_path / "b").iterdir()] == ["from-a"]


def test_the_raw_system_call_is_used_when_libc_has_no_renameat2(tmp_path: Path) -> None:
    class OldLibc:  # glibc before 2.28: syscall() but no renameat2()
        syscall = ctypes.CDLL(None, use_errno=True).syscall

    call = writer.renameat2_of(OldLibc())
    assert call is not None
    (tmp_path / "a").mkdir()
    (tmp_path / "b").write_text("b")
    assert call(-100, os.fsencode(tmp_path / "a"), -100, os.fsencode(tmp_path / "b"), 2) == 0
    assert (tmp_path / "a").read_text() == "b" and (tmp_path / "b").is_dir()


def einval(*args: Any) -> int:
    ctypes.set_errno(errno.EINVAL)  # what a filesystem without RENAME_EXCHANGE answers
    return -1


@pytest.mark.parametrize("renameat2", [None, einval], ids=["not Linux", "EINVAL"])
def test_without_an_atomic_swap_two_renames_still_publish(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          renameat2: Callable[..., int] | None) -> None:
    site = small_site(tmp_path)
    assert build_in_process(site, capsys)[0] == 0
    monkeypatch.setattr(writer, "_load_renameat2", lambda: renameat2)
    (site / "content/incidents/flood.md").write_text("---\ntitle: Flood\ndate: 2023-04-01\n---\nWater.\n")
    assert build_in_process(site, capsys)[0] == 0
    assert page(site, "incidents/flood/").find("h1")
    manifest_matches(site / "output")
    assert stray_build_folders(site) == []


# --------------------------------------------------------------------------
# Leftovers of killed builds


def test_leftovers_of_killed_builds_are_removed_and_nothing_else(tmp_path: Path) -> None:
    site = small_site(tmp_path)
    staging = site / ".output.new-k1ll3d00"  # killed while writing pages
    (staging / "incidents").mkdir(parents=True)
    (staging / "incidents" / "index.html").write_text("half a site")
    (staging / ".docket-staging").touch()
    old = site / ".output.old-k1ll3d01"  # killed while deleting the previous output
    (old / "tags").mkdir(parents=True)
    (old / "tags" / "index.html").write_text("old")
    (old / MANIFEST).write_text('{"generator": "docket", "files": []}\n')
    (site / ".output.new-empty000").mkdir()  # killed right after making it
    keep = {  # look like ours by name, but nothing says Docket made them
        ".output.new-mine0000/notes.txt": b"mine",
        ".output.old-mine0001/.docket-staging/x": b"a folder, not Docket's marker",
        ".output.new-backup/index.html": b"mine",  # no marker inside
        ".public.new-abcd1234/.docket-staging": b"",  # another output's: left to that output's builds
        ".output.backup/" + MANIFEST: b'{"generator": "docket"}',
    }
    for rel, data in keep.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_bytes(data)
    (site / ".output.new-file0000").write_text("a file, not a folder")
    build_ok(site)
    assert sorted(stray_build_folders(site)) == sorted(
        [".output.backup", ".output.new-backup", ".output.new-file0000", ".output.new-mine0000",
         ".output.old-mine0001"])
    for rel, data in keep.items():
        assert (site / rel).read_bytes() == data
    manifest_matches(site / "output")


def test_a_running_build_s_staging_folder_is_left_alone(tmp_path: Path) -> None:
    site = small_site(tmp_path)
    live = site / ".output.new-l1ve0000"
    live.mkdir()
    (live / ".docket-staging").touch()
    (live / "index.html").write_text("being written")
    fd = os.open(live, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # what a live build holds on its staging folder
        build_ok(site)
        assert (live / "index.html").read_text() == "being written"
    finally:
        os.close(fd)
    build_ok(site)  # once nobody holds it, it is a leftover
    assert stray_build_folders(site) == []


# --------------------------------------------------------------------------
# Environment failures: one line, exit 2, the previous output whole, no staging left


def build_in_process(site: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    capsys.readouterr()
    code = cli.main(["build", str(site), *extra])
    return code, capsys.readouterr().err


def one_error_line(err: str, *phrases: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("docket: error: "), err
    assert "Traceback" not in err
    for phrase in phrases:
        assert phrase in lines[0], err
    return lines[0]


def test_output_under_a_file_is_an_error(tmp_path: Path) -> None:
    site = small_site(tmp_path / "site")
    (tmp_path / "notes.txt").write_text("notes\n")
    before = tree(tmp_path)
    line = refused(docket("build", site, "--output", tmp_path / "notes.txt" / "out"), tmp_path / "notes.txt")
    assert "is a file, not a folder" in line
    assert tree(tmp_path) == before


def test_a_file_too_large_for_the_limit_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    """A real write failure: RLIMIT_FSIZE makes the kernel refuse the big file (EFBIG)."""
    site = small_site(tmp_path)
    build_ok(site)
    before = snapshot(site / "output")
    (site / "static").mkdir()
    (site / "static" / "footage.mp4").write_bytes(b"\0" * (3 << 20))

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))

    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.run([sys.executable, "-m", "generator", "build", str(site)], capture_output=True, text=True,
                          env=env, preexec_fn=limit, timeout=120)
    assert proc.returncode == 2, proc.stderr
    line = one_error_line(proc.stderr, "File too large", "footage.mp4", str(site / "output"))
    assert "left as it was" in line
    assert snapshot(site / "output") == before
    assert stray_build_folders(site) == []


class FullDisk:
    """Writes into staging folders fail with ENOSPC from the ``nth`` file on (or at the manifest)."""

    def __init__(self, nth: int | None = None, name: str | None = None) -> None:
        self.nth, self.name, self.seen = nth, name, 0
        self.real_open: Callable[..., Any] = io.open

    def open(self, file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        handle = self.real_open(file, mode, *args, **kwargs)
        path = Path(os.fsdecode(file)) if isinstance(file, (str, bytes, os.PathLike)) else None
        if path is None or "w" not in mode or not any(p.name.startswith(".output.new-") for p in path.parents):
            return handle
        self.seen += 1
        if self.seen == self.nth or path.name == self.name:
            handle.write = self.fail  # the file is created, then the disk is full
        return handle

    @staticmethod
    def fail(data: Any) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("nth, name", [(1, None), (15, None), (None, "docket.css"), (None, MANIFEST)])
def test_a_full_disk_is_an_error_and_the_previous_output_stays(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                               monkeypatch: pytest.MonkeyPatch, nth: int | None,
                                                               name: str | None) -> None:
    site = small_site(tmp_path)
    assert build_in_process(site, capsys)[0] == 0
    before = snapshot(site / "output")
    (site / "content/incidents/flood.md").write_text("---\ntitle: Flood\ndate: 2023-04-01\n---\nWater.\n")
    shutil.rmtree(site / ".docket-cache")  # without the last build's records, every file is written again
    disk = FullDisk(nth, name)
    monkeypatch.setattr(io, "open", disk.open)
    code, err = build_in_process(site, capsys)
    monkeypatch.undo()
    assert disk.seen >= (nth or 1), "the injected failure was never reached"
    assert code == 2
    line = one_error_line(err, "No space left on device", str(site / "output"), "left as it was")
    assert ".output.new-" in line  # names the file that could not be written
    assert snapshot(site / "output") == before
    assert stray_build_folders(site) == []


def refuse_under(folder: Path, err: int) -> Callable[..., Any]:
    """An ``os.mkdir`` that fails with ``err`` inside ``folder``, as on a read-only filesystem."""
    real = os.mkdir

    def mkdir(path: Any, *args: Any, **kwargs: Any) -> None:
        if Path(os.fsdecode(path)).parent == folder:
            raise OSError(err, os.strerror(err), os.fsdecode(path))
        real(path, *args, **kwargs)

    return mkdir


@pytest.mark.parametrize("where", ["site folder", "output's parent"])
def test_a_read_only_folder_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    site = small_site(tmp_path / "site")
    out = site / "output" if where == "site folder" else tmp_path / "mnt" / "public"
    assert build_in_process(site, capsys, "--output", str(out))[0] == 0
    shutil.rmtree(site / ".docket-cache")  # so that the next build makes a new staging folder
    (site / "content/incidents/flood.md").write_text("---\ntitle: Flood\ndate: 2023-04-01\n---\nWater.\n")
    before = tree(tmp_path)
    monkeypatch.setattr(os, "mkdir", refuse_under(out.parent, errno.EROFS))
    code, err = build_in_process(site, capsys, "--output", str(out))
    monkeypatch.undo()
    assert code == 2
    line = one_error_line(err, "Read-only file system", str(out))
    assert f"{out.parent}{os.sep}.{out.name}.new-" in line
    assert tree(tmp_path) == before


def test_a_read_only_output_mount_point_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A mount point cannot be renamed (EBUSY): the swap fails and the old output stays."""
    site = small_site(tmp_path)
    assert build_in_process(site, capsys)[0] == 0
    before = snapshot(site / "output")
    (site / "content/incidents/flood.md").write_text("---\ntitle: Flood\ndate: 2023-04-01\n---\nWater.\n")

    def busy(a: Path, b: Path) -> bool:
        raise OSError(errno.EBUSY, os.strerror(errno.EBUSY), str(a), None, str(b))

    monkeypatch.setattr(writer, "exchange", busy)
    code, err = build_in_process(site, capsys)
    monkeypatch.undo()
    assert code == 2
    one_error_line(err, "Device or resource busy", str(site / "output"))
    assert snapshot(site / "output") == before
    assert stray_build_folders(site) == []


def test_docket_new_in_an_unwritable_place_is_one_line(tmp_path: Path) -> None:
    site = small_site(tmp_path)
    (site / "content" / "reports").write_text("a file where the folder should be\n")
    run = docket("new", "report", "Annual report", "--site", site)
    assert run.returncode == 2, run.describe()
    assert_no_traceback(run)
    [line] = run.stderr.splitlines()
    assert line.startswith("docket: error: ") and "reports" in line, run.describe()
