"""Shared fixtures for the browser tests: a built example site, a loopback
server for it, and headless Debian Chromium driven by Playwright.

The repository itself is the example site (site.yaml + content/). It is built
once per session into a temporary folder with the real CLI, and served on
127.0.0.1 under the path of ``base_url`` (``/docket/`` for the example), the
way it would be deployed, so relative links and the 404 page's root-relative
links both resolve. Missing paths get the site's 404.html with status 404.

A missing tool (Chromium, axe-core) fails the run with a message saying how to
install it; nothing here skips. Never run ``playwright install``: these tests
use Debian's /usr/bin/chromium (see .ci/install-tools.sh).
"""

from __future__ import annotations

import functools
import os
import threading
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import yaml
from helpers import docket

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
# Schemes that never touch the network.
LOCAL_SCHEMES = {"data", "blob", "about"}

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
WIDTHS = {390: PHONE, 1280: DESKTOP}

INSTALL_HINT = "run `bash .ci/install-tools.sh` (as root) to install it"


# --------------------------------------------------------------------------- building


def build_site(site_dir: Path, out: Path) -> Path:
    """Build ``site_dir`` into ``out`` with the real CLI; fail the test run on any error."""
    started = _now()
    result = docket("build", site_dir, "--output", out, cwd=REPO, timeout=600)
    if result.returncode != 0:
        pytest.fail(
            f"`docket build {site_dir}` failed (exit {result.returncode}):\n"
            f"{result.stdout[-4000:]}\n{result.stderr[-8000:]}",
            pytrace=False,
        )
    if not (out / "index.html").is_file():
        pytest.fail(f"`docket build` exited 0 but wrote no {out / 'index.html'}", pytrace=False)
    print(f"\n[docket] built {site_dir.name or site_dir} in {_now() - started:.1f}s -> {out}")
    return out


def _now() -> float:
    import time

    return time.perf_counter()


@pytest.fixture(scope="session")
def example_site(example_output: Path) -> Path:
    """The repository's example site, built once per session (tests/conftest.py); returns the output folder."""
    if not (example_output / "index.html").is_file():
        pytest.fail(f"`docket build` exited 0 but wrote no {example_output / 'index.html'}", pytrace=False)
    return example_output


# --------------------------------------------------------------------------- serving


def base_path_of(site_dir: Path) -> str:
    """The path part of the site's base_url ("/docket/"), always starting and ending with "/"."""
    config = yaml.safe_load((site_dir / "site.yaml").read_text(encoding="utf-8")) or {}
    path = urlsplit(str(config.get("base_url") or "/")).path or "/"
    if not path.startswith("/"):
        path = "/" + path
    return path if path.endswith("/") else path + "/"


class SiteHandler(SimpleHTTPRequestHandler):
    """Serves ``root`` under ``prefix``; any missing path gets 404.html with status 404."""

    root: Path
    prefix: str

    def __init__(self, *args, root: Path, prefix: str, **kwargs):
        self.root = root
        self.prefix = prefix
        super().__init__(*args, directory=str(root), **kwargs)

    def translate_path(self, path: str) -> str:
        url_path = urlsplit(path).path
        if self.prefix != "/":
            if url_path == self.prefix.rstrip("/"):
                url_path = "/"  # "/docket" -> the root folder (the handler redirects to "/docket/")
            elif url_path.startswith(self.prefix):
                url_path = "/" + url_path[len(self.prefix):]
            else:
                return str(self.root / "__outside-the-base-path__")
        return super().translate_path(url_path)

    def send_error(self, code, message=None, explain=None):
        page = self.root / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404, message)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format, *args):  # keep pytest output quiet
        pass


@dataclass
class SiteServer:
    origin: str  # "http://127.0.0.1:PORT"
    base_path: str  # "/docket/"
    root: Path

    @property
    def base(self) -> str:
        return self.origin + self.base_path

    def url(self, site_path: str = "") -> str:
        """Absolute URL of a site path such as "incidents/x/" (no leading slash)."""
        return urljoin(self.base, site_path.lstrip("/"))

    def site_path(self, url: str) -> str:
        """The site path of a URL on this server ("" for home), without query or fragment."""
        path = urlsplit(url).path
        assert path.startswith(self.base_path), f"{url} is outside the site's base path {self.base_path}"
        return path[len(self.base_path):]


@pytest.fixture(scope="session")
def site_server(example_site: Path):
    handler = functools.partial(SiteHandler, root=example_site, prefix=base_path_of(REPO))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="docket-test-server", daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    try:
        yield SiteServer(f"http://{host}:{port}", base_path_of(REPO), example_site)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def chromium():
    """Debian's headless Chromium, launched once per session."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"{CHROMIUM} is missing: the browser tests need Debian's chromium; {INSTALL_HINT}",
                    pytrace=False)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        pytest.fail(f"Playwright for Python is missing ({exc}); pip install -e '.[test]'", pytrace=False)
    manager = sync_playwright().start()
    try:
        browser = manager.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    except Exception as exc:  # noqa: BLE001 - report any launch failure plainly
        manager.stop()
        pytest.fail(f"could not launch {CHROMIUM} through Playwright: {exc}", pytrace=False)
    try:
        yield browser
    finally:
        browser.close()
        manager.stop()


@dataclass
class Watch:
    """What a page did that a reader should never see: console errors, uncaught
    exceptions, and any request that would leave the machine."""

    console_errors: list[tuple[str, str]] = field(default_factory=list)  # (text, source url)
    allowed_failed_loads: set[str] = field(default_factory=set)
    page_errors: list[str] = field(default_factory=list)
    off_loopback: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def allow_failed_load(self, url: str) -> None:
        """Chromium logs "Failed to load resource" for a document served with an error
        status, such as the 404 page itself; accept that one message for ``url``."""
        self.allowed_failed_loads.add(url)

    def problems(self) -> list[str]:
        errors = [f"{text} ({url})" if url else text for text, url in self.console_errors
                  if not (text.startswith("Failed to load resource") and url in self.allowed_failed_loads)]
        return ([f"console error: {m}" for m in errors]
                + [f"uncaught page error: {m}" for m in self.page_errors]
                + [f"request leaving loopback (aborted): {u}" for u in self.off_loopback])

    def assert_clean(self, where: str = "") -> None:
        problems = self.problems()
        assert not problems, f"{where}:\n  " + "\n  ".join(problems)


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    return parts.scheme in {"http", "https", "ws", "wss"} and (parts.hostname or "") in LOOPBACK_HOSTS


def watch_page(page) -> Watch:
    """Attach listeners to ``page`` and block (and record) every non-loopback request."""
    watch = Watch()

    def on_console(message):
        if message.type == "error":
            location = message.location or {}
            watch.console_errors.append((message.text, location.get("url", "")))

    def on_request(request):
        watch.requests.append(request.url)
        if not is_local(request.url) and request.url not in watch.off_loopback:
            watch.off_loopback.append(request.url)

    def route(route_, request):
        if is_local(request.url):
            route_.continue_()
        else:
            if request.url not in watch.off_loopback:
                watch.off_loopback.append(request.url)
            route_.abort("blockedbyclient")

    page.on("console", on_console)
    page.on("pageerror", lambda error: watch.page_errors.append(str(error)))
    page.on("request", on_request)
    page.route("**/*", route)
    return watch


@pytest.fixture
def open_page(chromium):
    """Factory: ``page, watch = open_page(width)`` gives a fresh page (own context)
    at a phone (390) or desktop (1280) viewport, with a Watch attached."""
    contexts = []

    def make(width: int = 1280):
        viewport = WIDTHS.get(width, {"width": width, "height": 800})
        phone = width < 600
        context = chromium.new_context(
            viewport=viewport, device_scale_factor=1, is_mobile=phone, has_touch=phone,
            locale="en-GB", service_workers="block", reduced_motion="reduce",
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        return page, watch_page(page)

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def axe_js() -> Path:
    if not AXE_JS.is_file():
        pytest.fail(f"{AXE_JS} is missing: the accessibility tests need the npm axe-core package; "
                    f"{INSTALL_HINT} (it runs `npm ci` in the repo)", pytrace=False)
    return AXE_JS


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
