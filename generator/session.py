"""The build session: what outlives one build.

``docket build`` uses a session once; ``docket serve`` keeps one for its
lifetime. It holds the Jinja environment (with its signed bytecode cache,
``jinjacache.py``), the
validated files and rendered bodies of the last build (each with the
diagnostics it produced, replayed when it is reused), and the record of every
output file the last build wrote (fingerprint, size, hash), from which the
next build decides what to render again.

With a cache folder (``.docket-cache/`` in the site, ignored by git) the
session is saved after every successful build and loaded before the next one,
so the next process starts warm. The cache is only ever a shortcut: one that
is corrupt, from another version of Docket or for other options is discarded
with a warning and the build goes on from scratch. So is a cache made for
another site, copied along with a site's files (``cacheowner.py``). The site's
repository may hold a cache folder anyone wrote, so every file is signed
(HMAC-SHA256 with the key of ``cachekey.py``, which no file of the site holds)
and one whose signature does not verify is discarded before it is unpickled;
it is read with an unpickler that only accepts Docket's own data types besides.
"""

from __future__ import annotations

import contextlib
import copyreg
import dataclasses
import datetime as dt
import functools
import hashlib
import io
import json
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader

from . import cachekey
from .atomic import atomic_file, write_atomic
from .cacheowner import discard_foreign, mark_owner
from .codeid import code_id
from .diagnostics import Diagnostic, Diagnostics
from .fence import CACHE_DIR
from .fingerprint import ItemDigests
from .geo.basemap import BasemapKey, BasemapRef
from .graph import SiteGraph
from .jinjacache import SignedBytecodeCache
from .loader import LoadedSite, RawFile
from .markdown import BodyResult
from .outfiles import MANIFEST
from .outputs import SearchBundle
from .produce import PageRecord
from .render import PageRenderer, make_environment, sandboxed
from .theme import theme_dir
from .validate import FileResult

CACHE_FILE = "session.pickle"  # builds with --drafts (and the preview) keep theirs in session-drafts.pickle
CACHE_FORMAT = 3
# Modules whose classes a cache may hold; anything else makes the cache invalid.
_TRUSTED_MODULES = ("generator.", "markupsafe", "datetime", "zoneinfo")
_TRUSTED_BUILTINS = {"frozenset", "set", "complex", "bytearray", "slice", "range"}
_PURPOSE = "session"  # what a session file's HMAC is signed for (cachekey.py); "session-state" for its state
_TAG_PREFIX = b"docket-hmac-sha256 "  # the first line of a session file: this and the tag in hex


@dataclass(frozen=True, slots=True)
class LastBuild:
    """The last good build, in memory only: what the preview's fast render renders an edit against."""

    graph: SiteGraph
    renderer: PageRenderer
    output: Path
    now: dt.datetime
    tz: dt.tzinfo


@dataclass(slots=True)
class Memo:
    """The part of a session that is saved: everything keyed by what it was made from."""

    # (kind, path) -> the file's digest, its result, and the digest of each of its items' values
    files: dict[tuple[str, str], tuple[bytes, FileResult, tuple[bytes, ...]]] = field(default_factory=dict)
    bodies: dict[tuple[str, str], tuple[tuple[object, ...], BodyResult]] = field(default_factory=dict)
    pages: dict[str, PageRecord] = field(default_factory=dict)
    output: str = ""  # the output folder the page records describe
    maps: dict[BasemapKey, BasemapRef] = field(default_factory=dict)  # the basemap files in that output
    # template source -> the templates it names (fingerprint.py): parsing the theme for them costs as much
    # as compiling it, in every new process
    references: dict[str, tuple[str | None, ...]] = field(default_factory=dict)
    dumps: dict[bytes, str] = field(default_factory=dict)  # each export record's JSON text (exports.Dumps)


class BuildSession:
    """Caches for the builds of one site, with one set of options."""

    def __init__(self, site_dir: Path, *, cache: bool = True, drafts: bool = False, jobs: int | None = None,
                 autosave: bool = True):
        self.site_dir = Path(site_dir).resolve()
        self.cache_dir = self.site_dir / CACHE_DIR if cache else None
        self.drafts = drafts
        self.autosave = autosave  # save after each build; otherwise the owner calls save()
        self.jobs = jobs or os.cpu_count() or 1
        self._memo: Memo | None = None
        self._diags: Diagnostics | None = None  # where a warning about loading the cache goes
        self.digests = ItemDigests()
        self.state: State | None = None  # what the last successful build was made from
        self.last: LastBuild | None = None
        self.search: SearchBundle | None = None  # the last search index and its records' digest (search.py)
        self._env: tuple[Path | None, Environment] | None = None
        self._templates_listed: tuple[str, ...] = ()  # the template names of the last build
        self._used_files: set[tuple[str, str]] = set()
        self._used_bodies: set[tuple[str, str]] = set()
        self._claimed = False  # whether the cache folder was checked to be this site's

    # -- the Jinja environment -------------------------------------------------------------

    def environment(self, site_templates: Path | None, diags: Diagnostics) -> Environment:
        """One environment per templates folder; FileSystemLoader notices edited templates itself.

        It does not notice a template *added* to the site's folder: Jinja keeps the theme's
        template of that name, which is still up to date, so a new override would be ignored
        until the preview restarts. A changed list of the folder's files empties Jinja's cache.
        """
        if self._env is None or self._env[0] != site_templates:
            bytecode = None
            # Without a key that outlives the process (no machine id), compiled templates are not kept.
            folder = self._cache_folder("jinja", diags) if cachekey.persistent() else None
            if folder is not None:
                # The sandbox compiles templates differently: its files are never the theme's alone.
                bytecode = SignedBytecodeCache(folder, "sandbox" if sandboxed(site_templates) else "theme")
            self._env = (site_templates, make_environment(site_templates, bytecode))
        env = self._env[1]
        listed = tuple(FileSystemLoader(str(site_templates)).list_templates()) if site_templates else ()
        if listed != self._templates_listed:
            if env.cache is not None:
                env.cache.clear()
            self._templates_listed = listed
        return env

    @property
    def memo(self) -> Memo:
        """The saved caches, loaded the first time a build needs them (a no-change build never does)."""
        if self._memo is None:
            self._memo = Memo()
            self._load(self._diags or Diagnostics())
        return self._memo

    def unchanged(self, inputs: bytes, output: Path | None, now: dt.datetime) -> State | None:
        """The last build's state when it was made from exactly these inputs and its output is intact."""
        state = self.state
        if state is None or output is None or state.inputs != inputs.hex() or state.output != str(output):
            return None
        if state.valid_until is not None and now.timestamp() >= state.valid_until:
            return None  # an embargo has ended since: the published set has changed
        return state if manifest_stamp(output) == state.manifest else None

    def remember(self, inputs: bytes, output: Path, valid_until: float | None, pages: int,
                 diags: Diagnostics, unpublished: int = 0) -> None:
        # The cache's own warnings (discarded, cannot save) are about this run, not the site: not replayed;
        # a build that changes nothing reuses the output and must not say it started from scratch.
        warnings = [dataclasses.astuple(d) for d in diags.warnings if not d.path.startswith(CACHE_DIR)]
        self.state = State(inputs.hex(), str(output), valid_until, manifest_stamp(output), pages, warnings,
                           unpublished)
        if self.cache_dir is not None:
            with contextlib.suppress(OSError):
                write_state(self.cache_dir / self._file_name.replace(".pickle", ".state"), self.state)

    # -- validated files (validate.FileCache) ----------------------------------------------

    def begin(self, diags: Diagnostics) -> None:
        """Called at the start of each build."""
        self._diags = diags
        if not self._claimed and self.cache_dir is not None:
            self._claimed = True
            if discard_foreign(self.cache_dir, self.site_dir, diags):
                with contextlib.suppress(OSError):
                    self._ensure_cache_dir()
        if self.state is None and self.cache_dir is not None:
            self.state = read_state(self.cache_dir / self._file_name.replace(".pickle", ".state"))
        self.digests = ItemDigests()
        self._used_files.clear()
        self._used_bodies.clear()

    def get(self, raw: RawFile, timezone: str) -> FileResult | None:
        key, digest = (raw.kind, raw.path), _file_digest(raw, timezone)
        self._used_files.add(key)
        found = self.memo.files.get(key)
        if found is None or found[0] != digest:
            return None
        self.digests.add(found[1].items, found[2])
        return found[1]

    def put(self, raw: RawFile, timezone: str, result: FileResult) -> None:
        # Items are known by their values, not by their file: an edit to an incident's text leaves
        # the sources defined in it the same, and the pages that show only them are not rendered again.
        values = tuple(hashlib.blake2b(pickle.dumps(item, protocol=5), digest_size=16).digest()
                       for item in result.items)
        self.memo.files[(raw.kind, raw.path)] = (_file_digest(raw, timezone), result, values)
        self.digests.add(result.items, values)

    # -- rendered bodies (markdown.BodyCache) ------------------------------------------------

    def body(self, item_key: tuple[str, str], key: tuple[object, ...]) -> BodyResult | None:
        self._used_bodies.add(item_key)
        found = self.memo.bodies.get(item_key)
        return found[1] if found is not None and found[0] == key else None

    def keep_body(self, item_key: tuple[str, str], key: tuple[object, ...], result: BodyResult) -> None:
        self.memo.bodies[item_key] = (key, result)

    # -- after a build -----------------------------------------------------------------------

    def finish(self, output: Path | None, pages: dict[str, PageRecord] | None, diags: Diagnostics,
               maps: dict[BasemapKey, BasemapRef] | None = None) -> None:
        """Forget what this build no longer has; remember its output; save when there is a cache."""
        self.memo.files = {k: v for k, v in self.memo.files.items() if k in self._used_files}
        self.memo.bodies = {k: v for k, v in self.memo.bodies.items() if k in self._used_bodies}
        if pages is not None and output is not None:
            self.memo.pages, self.memo.output = pages, str(output)
            self.memo.maps = maps or {}
        if self.autosave:
            self._save(diags)

    def save(self, diags: Diagnostics) -> None:
        """Save the cache now (the preview does when it stops)."""
        self._save(diags)

    def pages_for(self, output: Path) -> dict[str, PageRecord]:
        return self.memo.pages if self.memo.output == str(output) else {}

    def maps_for(self, output: Path | None) -> dict[BasemapKey, BasemapRef]:
        """The basemaps the last build placed in ``output`` (any output for ``docket check``: names only)."""
        return self.memo.maps if output is None or self.memo.output == str(output) else {}

    # -- the cache folder ----------------------------------------------------------------------

    @property
    def _file_name(self) -> str:
        return CACHE_FILE.replace(".pickle", "-drafts.pickle") if self.drafts else CACHE_FILE

    def _header(self) -> tuple[object, ...]:
        return ("docket-session", CACHE_FORMAT, code_id(), self.drafts)

    def _cache_folder(self, name: str, diags: Diagnostics) -> Path | None:
        """``.docket-cache/<name>``, made if missing; None (and a warning, once) when it cannot be."""
        if self.cache_dir is None:
            return None
        try:
            self._ensure_cache_dir()
            (self.cache_dir / name).mkdir(exist_ok=True)
        except OSError as exc:
            diags.warning(CACHE_DIR, 0, "", f"cannot use the build cache: {exc.strerror or exc}",
                          "building without it; --no-cache says so on purpose")
            self.cache_dir = None
            return None
        return self.cache_dir / name

    def _ensure_cache_dir(self) -> Path:
        assert self.cache_dir is not None
        self.cache_dir.mkdir(exist_ok=True)
        ignore = self.cache_dir / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# Docket's build cache: safe to delete, never to commit.\n*\n", encoding="utf-8")
        mark_owner(self.cache_dir, self.site_dir)
        return self.cache_dir

    def _load(self, diags: Diagnostics) -> None:
        if self.cache_dir is None or not cachekey.persistent():
            return
        path = self.cache_dir / self._file_name
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return
        except OSError as exc:
            diags.warning(f"{CACHE_DIR}/{self._file_name}", 0, "", f"cannot read the build cache: {exc.strerror}",
                          "building from scratch")
            return
        try:
            tag, newline, pickled = data.partition(b"\n")
            if not newline or not tag.startswith(_TAG_PREFIX) or not cachekey.verify_hex(
                    _PURPOSE, [pickled], tag[len(_TAG_PREFIX):].decode("ascii", "replace")):
                raise ValueError("not signed by this Docket for this user on this machine")
            header, memo = _TrustedUnpickler(io.BytesIO(pickled)).load()
            if header != self._header() or not isinstance(memo, Memo):
                raise ValueError("made by another version of Docket or with other options")
        except Exception as exc:  # noqa: BLE001 - any damage at all: the cache is discarded, never trusted
            diags.warning(f"{CACHE_DIR}/{self._file_name}", 0, "", f"build cache discarded ({_why(exc)})",
                          "building from scratch; the cache is rewritten after this build")
            return
        self._memo = memo

    def _save(self, diags: Diagnostics) -> None:
        if self.cache_dir is None or not cachekey.persistent():
            return  # no cache, or no key another process could verify it with
        if self._memo is None:
            return  # nothing was loaded or made, so nothing changed
        try:
            folder = self._ensure_cache_dir()
            buffer = io.BytesIO()
            _CachePickler(buffer, protocol=5).dump((self._header(), self.memo))
            pickled = buffer.getvalue()
            with atomic_file(folder / self._file_name) as out:
                out.write(_TAG_PREFIX + cachekey.sign_hex(_PURPOSE, [pickled]).encode("ascii") + b"\n")
                out.write(pickled)
        except OSError as exc:
            diags.warning(CACHE_DIR, 0, "", f"cannot save the build cache: {exc.strerror or exc}",
                          "the site was built; the next build starts from scratch")


@dataclass(slots=True)
class State:
    """The inputs and result of the last successful build, to skip a build that would change nothing."""

    inputs: str  # inputs_digest, hex
    output: str
    valid_until: float | None  # the first embargo end after that build (a timestamp), if any
    manifest: list[int]  # size, mtime and inode of the output's manifest: the output as Docket left it
    pages: int
    warnings: list[tuple[object, ...]]
    unpublished: int = 0  # drafts and embargoed items left out


    def replay(self, diags: Diagnostics) -> None:
        diags.extend(Diagnostic(*w) for w in self.warnings)  # type: ignore[arg-type]


def read_state(path: Path) -> State | None:
    try:
        signed = json.loads(path.read_bytes())
        body = str(signed["state"])
        if not cachekey.verify_hex(_PURPOSE + "-state", [body.encode("utf-8")], str(signed["hmac"])):
            return None  # not signed here: the build simply runs
        data = json.loads(body)
        return State(str(data["inputs"]), str(data["output"]), data["valid_until"], list(data["manifest"]),
                     int(data["pages"]), [tuple(w) for w in data["warnings"]],
                     int(data.get("unpublished", 0)))
    except (OSError, ValueError, KeyError, TypeError):
        return None  # no state, or a damaged one: the build simply runs


def write_state(path: Path, state: State) -> None:
    if not cachekey.persistent():
        return
    body = json.dumps(dataclasses.asdict(state))
    signed = {"state": body, "hmac": cachekey.sign_hex(_PURPOSE + "-state", [body.encode("utf-8")])}
    write_atomic(path, json.dumps(signed).encode("utf-8"))


def manifest_stamp(output: Path) -> list[int]:
    try:
        st = os.stat(output / MANIFEST)
    except OSError:
        return []
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def inputs_digest(loaded: LoadedSite, *options: object) -> bytes:
    """A digest of everything a build reads: content, config, templates, static files, options, Docket."""
    h = hashlib.blake2b(digest_size=16)
    h.update(repr((code_id(), options)).encode())
    h.update(loaded.config_text.encode("utf-8", "surrogateescape") + b"\0")
    for raw in loaded.files:
        h.update(f"{raw.kind}\0{raw.path}\0{raw.first_commit}\0".encode("utf-8", "surrogateescape"))
        h.update(raw.text.encode("utf-8", "surrogateescape") + b"\0")
    templates = [theme_dir() / name for name in sorted(_theme_templates())]
    if loaded.templates_dir is not None:
        templates += [loaded.templates_dir / name for name in loaded.template_names]
    for path in templates:
        h.update(str(path).encode("utf-8", "surrogateescape") + b"\0")
        with contextlib.suppress(OSError):
            h.update(path.read_bytes())
    for static in (*loaded.theme_assets, *loaded.static):
        try:
            st = os.stat(static.source)
            stamp = f"{static.source}\0{static.target}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}"
        except OSError:
            stamp = f"{static.source}\0missing"
        h.update(stamp.encode("utf-8", "surrogateescape"))
    return h.digest()


@functools.cache
def _theme_templates() -> tuple[str, ...]:
    root = theme_dir()
    return tuple(sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                        if p.is_file() and "assets" not in p.relative_to(root).parts))


def _file_digest(raw: RawFile, timezone: str) -> bytes:
    h = hashlib.blake2b(digest_size=16)
    for part in (raw.kind, raw.path, raw.first_commit, timezone, code_id()):
        h.update(part.encode("utf-8", "surrogateescape") + b"\0")
    h.update(raw.text.encode("utf-8", "surrogateescape"))
    return h.digest()


def _why(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:120]


def _zone_by_key(zone: ZoneInfo) -> tuple[type[ZoneInfo], tuple[str]]:
    return ZoneInfo, (zone.key,)


class _CachePickler(pickle.Pickler):
    """A ZoneInfo pickles itself as ``getattr(ZoneInfo, "_unpickle")``, which the unpickler must refuse
    (getattr would reach anything); the cache stores it as ``ZoneInfo(key)``, a plain class call.
    Docket only makes zones from site.yaml's key, so the key always names it."""

    dispatch_table = copyreg.dispatch_table.copy()
    dispatch_table[ZoneInfo] = _zone_by_key


class _TrustedUnpickler(pickle.Unpickler):
    """Python's own advice for untrusted pickles: refuse every class but the expected ones."""

    def find_class(self, module: str, name: str) -> Any:
        if module == "builtins" and name in _TRUSTED_BUILTINS:
            return super().find_class(module, name)
        if module.startswith(_TRUSTED_MODULES) or module == "generator":
            value = super().find_class(module, name)
            if isinstance(value, type):
                return value
        raise pickle.UnpicklingError(f"unexpected {module}.{name} in the cache")

