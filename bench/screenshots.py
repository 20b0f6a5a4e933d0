"""Screenshots of the example site for a person to look at: home, an incident, the table, the timeline,
the map, the statistics and search at
390 and 1280 px, full page, into a folder outside the repository (never committed).

    python bench/screenshots.py                      # builds the example site, writes /tmp/docket-screenshots/
    python bench/screenshots.py --out /tmp/shots --site /path/to/site --page incident=incidents/x/

Uses Debian's /usr/bin/chromium through Playwright, like tests/browser. The site is served on the
loopback under its base_url's path; nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import functools
import subprocess
import sys
import tempfile
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "tests" / "browser"), str(REPO / "tests")]  # conftest imports helpers

from conftest import CHROMIUM, CHROMIUM_ARGS, SiteHandler, base_path_of  # noqa: E402

PAGES = {
    "home": "",
    "incident": "incidents/ciudad-juarez-detention-centre-fire/",
    "table": "table/",
    "timeline": "timeline/",
    "map": "map/",
    "statistics": "statistics/",
    "search": "search/?q=fire",
}
WIDTHS = {390: 844, 1280: 800}


def build(site: Path, out: Path) -> None:
    subprocess.run([sys.executable, "-m", "generator", "build", str(site), "--output", str(out)],
                   cwd=REPO, check=True)


def shoot(out: Path, site: Path, pages: dict[str, str], shots: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    prefix = base_path_of(site)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(SiteHandler, root=out, prefix=prefix))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    written = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            for width, height in WIDTHS.items():
                context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1,
                                              is_mobile=width < 600, has_touch=width < 600)
                page = context.new_page()
                for name, path in pages.items():
                    page.goto(base + path)
                    page.wait_for_load_state("networkidle")
                    target = shots / f"{name}-{width}.png"
                    page.screenshot(path=str(target), full_page=True)
                    written.append(target)
                context.close()
            browser.close()
    finally:
        server.shutdown()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=REPO)
    parser.add_argument("--out", type=Path, default=Path("/tmp/docket-screenshots"))
    parser.add_argument("--page", action="append", default=[], help="name=site/path/ (adds or replaces one)")
    args = parser.parse_args()
    pages = dict(PAGES)
    pages.update(dict(item.split("=", 1) for item in args.page))
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        built = Path(tmp) / "site"
        build(args.site, built)
        for path in shoot(built, args.site, pages, args.out):
            print(path)


if __name__ == "__main__":
    main()
