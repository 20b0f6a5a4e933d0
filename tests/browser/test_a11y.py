"""axe-core reports no violations on the example site's main page types, at
phone (390 px) and desktop (1280 px) widths.

axe-core comes from npm (package.json; `bash .ci/install-tools.sh` runs
`npm ci`): node_modules/axe-core/axe.min.js is injected into each page.
"""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.browser

PAGES = {
    "home": ("", 200),
    "incident-list": ("incidents/", 200),
    "incident": ("incidents/ciudad-juarez-detention-centre-fire/", 200),
    "source": ("sources/ap-open-letter/", 200),
    "entity": ("entities/instituto-nacional-de-migracion/", 200),
    "report": ("reports/deaths-in-migrant-detention/", 200),
    "tag": ("tags/migration/", 200),
    "places": ("places/", 200),
    "map": ("map/", 200),
    "map-region": ("map/north-america/", 200),
    "map-area": ("map/north-america/ciudad-juarez-area/", 200),
    "corrections": ("corrections/", 200),
    "data": ("data/", 200),
    "table": ("table/", 200),
    "timeline": ("timeline/", 200),
    "timeline-year": ("timeline/2023/", 200),
    "statistics": ("statistics/", 200),
    "404": ("this-page-does-not-exist/", 404),
}

AXE_RUN = "async () => await axe.run(document, {resultTypes: ['violations']})"


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} [{v.get('impact')}] {v.get('help')} ({v.get('helpUrl', '')})")
        for node in v.get("nodes", [])[:15]:
            target = " ".join(json.dumps(t) if not isinstance(t, str) else t for t in node.get("target", []))
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    {target}: {summary[:300]}")
            lines.append(f"      html: {' '.join((node.get('html') or '').split())[:200]}")
        if len(v.get("nodes", [])) > 15:
            lines.append(f"    … and {len(v['nodes']) - 15} more nodes")
    return "\n".join(lines)


@pytest.mark.parametrize("width", [390, 1280], ids=["phone", "desktop"])
@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_violations(open_page, site_server, axe_js, name, width):
    path, status = PAGES[name]
    page, watch = open_page(width)
    if status == 404:
        watch.allow_failed_load(site_server.url(path))
    response = page.goto(site_server.url(path))
    assert response is not None and response.status == status, \
        f"/{path} answered {response and response.status}, expected {status}"
    page.wait_for_load_state("load")
    page.add_script_tag(path=str(axe_js))
    results = page.evaluate(AXE_RUN)
    violations = results.get("violations", [])
    assert not violations, (f"axe-core {results.get('testEngine', {}).get('version', '?')} found "
                            f"{len(violations)} violation(s) on {name} (/{path}) at {width}px:\n"
                            + describe(violations))
    watch.assert_clean(f"{name} at {width}px")
