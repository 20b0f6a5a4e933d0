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
with a warning and the build goes on from scratch. It is read with an
unpickler that only accepts Docket's own data types, so a cache file cannot run
code.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import hashlib
import io
import json
import os
import pickle
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FileSystemLoader

from .codeid import code_id
from .diagnostics import Diagnostic, Diagnostics
from .fingerprint import ItemDigests
from .graph import SiteGraph
from .jinjacache import SignedBytecodeCache, cache_key
from .loader import LoadedSite, RawFile
from .markdown import BodyResult
from .outfiles import MANIFEST
from .produce import PageRecord
from .render import PageRenderer, make_environment, sandboxed
from .theme import theme_dir
from .validate import FileResult

if TYPE_CHECKING:
    from .search import SearchBundle

CACHE_DIR = ".docket-cache"
CACHE_FILE = "session.pickle"  # builds with --drafts (and the preview) keep theirs in session-drafts.pickle
CACHE_FORMAT = 2
# Modules whose classes a cache may hold; anything else makes the cache invalid.
_TRUSTED_MODULES = ("generator.", "markupsafe", "datetime", "zoneinfo")
_TRUSTED_BUILTINS = {"frozenset", "set", "complex", "bytearray", "slice", "range"}


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

    # -- the Jinja environment -------------------------------------------------------------

    def environment(self, site_templates: Path | None, diags: Diagnostics) -> Environment:
        """One environment per templates folder; FileSystemLoader notices edited templates itself.

        It does not notice a template *added* to the site's folder: Jinja keeps the theme's
        template of that name, which is still up to date, so a new override would be ignored
        until the preview restarts. A changed list of the folder's files empties Jinja's cache.
        """
        if self._env is None or self._env[0] != site_templates:
            bytecode = None
            key = cache_key()  # none on a machine without an id: compiled templates are not kept
            folder = self._cache_folder("jinja", diags) if key is not None else None
            if folder is not None and key is not None:
                # The sandbox compiles templates differently: its files are never the theme's alone.
                bytecode = SignedBytecodeCache(folder, key, "sandbox" if sandboxed(site_templates) else "theme")
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
        self.state = State(inputs.hex(), str(output), valid_until, manifest_stamp(output), pages,
                           [dataclasses.astuple(d) for d in diags.warnings], unpublished)
        if self.cache_dir is not None:
            with contextlib.suppress(OSError):
                write_state(self.cache_dir / self._file_name.replace(".pickle", ".state"), self.state)

    # -- validated files (validate.FileCache) ----------------------------------------------

    def begin(self, diags: Diagnostics) -> None:
        """Called at the start of each build."""
        self._diags = diags
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

    def finish(self, output: Path | None, pages: dict[str, PageRecord] | None, diags: Diagnostics) -> None:
        """Forget what this build no longer has; remember its output; save when there is a cache."""
        self.memo.files = {k: v for k, v in self.memo.files.items() if k in self._used_files}
        self.memo.bodies = {k: v for k, v in self.memo.bodies.items() if k in self._used_bodies}
        if pages is not None and output is not None:
            self.memo.pages, self.memo.output = pages, str(output)
        if self.autosave:
            self._save(diags)

    def save(self, diags: Diagnostics) -> None:
        """Save the cache now (the preview does when it stops)."""
        self._save(diags)

    def pages_for(self, output: Path) -> dict[str, PageRecord]:
        return self.memo.pages if self.memo.output == str(output) else {}

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
        return self.cache_dir

    def _load(self, diags: Diagnostics) -> None:
        if self.cache_dir is None:
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
            header, memo = _TrustedUnpickler(io.BytesIO(data)).load()
            if header != self._header() or not isinstance(memo, Memo):
                raise ValueError("made by another version of Docket or with other options")
        except Exception as exc:  # noqa: BLE001 - any damage at all: the cache is discarded, never trusted
            diags.warning(f"{CACHE_DIR}/{self._file_name}", 0, "", f"build cache discarded ({_why(exc)})",
                          "building from scratch; the cache is rewritten after this build")
            return
        self._memo = memo

    def _save(self, diags: Diagnostics) -> None:
        if self.cache_dir is None:
            return
        if self._memo is None:
            return  # nothing was loaded or made, so nothing changed
        try:
            folder = self._ensure_cache_dir()
            fd, tmp = tempfile.mkstemp(prefix=".session-", dir=folder)
            with os.fdopen(fd, "wb") as out:
                pickle.dump((self._header(), self.memo), out, protocol=5)
            os.replace(tmp, folder / self._file_name)
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
        data = json.loads(path.read_bytes())
        return State(str(data["inputs"]), str(data["output"]), data["valid_until"], list(data["manifest"]),
                     int(data["pages"]), [tuple(w) for w in data["warnings"]],
                     int(data.get("unpublished", 0)))
    except (OSError, ValueError, KeyError, TypeError):
        return None  # no state, or a damaged one: the build simply runs


def write_state(path: Path, state: State) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".state-", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(dataclasses.asdict(state), out)
    os.replace(tmp, path)


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
        h.update(f"{raw.kind}\0{raw.path}\0".encode("utf-8", "surrogateescape"))
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
    for part in (raw.kind, raw.path, timezone, code_id()):
        h.update(part.encode("utf-8", "surrogateescape") + b"\0")
    h.update(raw.text.encode("utf-8", "surrogateescape"))
    return h.digest()


def _why(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:120]


class _TrustedUnpickler(pickle.Unpickler):
    """Python's own advice for untrusted pickles: refuse every class but the expected ones."""

    def find_class(self, module: str, name: str) -> Any:
        if module == "builtins" and name in _TRUSTED_BUILTINS:
            return super().find_class(module, name)
        if module.startswith(_TRUSTED_MODULES) or module == "generator":
            value = super().find_class(module, name)
            if isinstance(value, type):
                return value
        if module == "zoneinfo" and name == "ZoneInfo._unpickle":  # how a ZoneInfo pickles itself
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"unexpected {module}.{name} in the cache")

