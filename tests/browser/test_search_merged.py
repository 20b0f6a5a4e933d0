"""Search over a sharded index, in Chromium with Pagefind's own search code: edits equal a full build.

A site whose records fill several shards (the shard size is made small here) goes through
random edit sequences (text, tags, dates, countries, statuses, incidents added and removed),
built incrementally with sessions kept in memory or reloaded from the cache. After each
sequence the search page's index loader (assets/search-index.js) runs a set of queries in
Chromium against that output and against a full ``--no-cache`` build of the same content: the
results (in order), the filter values and their counts are the same. They are also checked
against one unsharded index of the same records: the same results for every query, the same
counts (Pagefind adds merged counts up, which is right only because shards never share a
record), and sorted results in the same order of dates.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import random
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from helpers import snapshot, write_site

from generator import searchindex
from generator.build import build
from generator.session import BuildSession

pytestmark = pytest.mark.browser

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
SHARD = 6
COUNTRIES = ("Mexico", "Guatemala", "Honduras", "Chile")
STATUSES = ("confirmed", "developing", "disputed")
WORDS = ("river", "border", "night", "shelter", "zebrafinch", "quorum", "lantern")
QUERIES: list[tuple[str | None, dict[str, Any]]] = [
    ("incident", {}),
    ("river", {}),
    ("zebrafinch", {}),
    ("shelter night", {}),
    ("incident", {"filters": {"tag": {"any": ["Tag1"]}}}),
    ("incident", {"filters": {"country": {"any": ["Mexico", "Chile"]}, "kind": {"any": ["Incident"]}}}),
    (None, {"filters": {"kind": {"any": ["Incident"]}}, "sort": {"date": "desc"}}),
    (None, {"filters": {"year": {"any": ["2015", "2016", "2017"]}}, "sort": {"date": "asc"}}),
    ("wire", {"sort": {"date": "desc"}}),
]

RUN_QUERIES = """
async ([queries]) => {
  const { openSearchIndex } = await import(new URL("assets/search-index.js", document.baseURI).href);
  const pagefind = await openSearchIndex("pagefind/pagefind.js", "./");
  const answers = [];
  for (const [term, options] of queries) {
    const found = await pagefind.search(term, options);
    const data = await Promise.all(found.results.map((r) => r.data()));
    answers.push({ urls: data.map((d) => d.url), dates: data.map((d) => d.meta.date || ""),
                   filters: found.filters, totalFilters: found.totalFilters });
  }
  return { all: await pagefind.filters(), answers };
}
"""


def incident(rng: random.Random, n: int) -> str:
    tags = sorted({f"tag{rng.randrange(5)}" for _ in range(rng.randrange(1, 3))})
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(1, 5)))
    body = f"Incident {n}: {words}."
    source = ""
    if rng.random() < 0.5:  # an inline source: a record of its own, with a year filter and a date
        sid = f"wire-{n}-{rng.randrange(3)}"
        source = (f"sources:\n  - id: {sid}\n    title: Wire report {n}\n"
                  f"    url: \"https://example.org/wire/{n}\"\n    published: 20{10 + rng.randrange(12)}-02-03\n")
        body += f" Reported [@{sid}]."
    return (f"---\ntitle: Incident {n} at the {rng.choice(WORDS)}\ndate: 20{10 + rng.randrange(12)}-0"
            f"{1 + rng.randrange(9)}-1{rng.randrange(10)}\nstatus: {rng.choice(STATUSES)}\n"
            f"location: {{country: {rng.choice(COUNTRIES)}}}\ntags: [{', '.join(tags)}]\n{source}---\n{body}\n")


def edit(site: Path, rng: random.Random, alive: set[int], born: list[int]) -> None:
    """One edit as an editor makes it: rewrite, add or remove one incident."""
    choice = rng.random()
    if choice < 0.15 and len(alive) > 10:
        gone = rng.choice(sorted(alive))
        alive.discard(gone)
        (site / f"content/incidents/i{gone:03d}.md").unlink()
        return
    if choice < 0.3:
        born[0] += 1
        n = born[0]
        alive.add(n)
    else:
        n = rng.choice(sorted(alive))
    (site / f"content/incidents/i{n:03d}.md").write_text(incident(rng, n), encoding="utf-8")


@pytest.fixture
def serve():
    servers = []

    def start(root: Path) -> str:
        handler = functools.partial(SimpleHTTPRequestHandler, directory=str(root))
        handler.log_message = lambda *a: None  # type: ignore[attr-defined, method-assign]
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        host, port = server.server_address[:2]
        return f"http://{host}:{port}/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def answers(open_page, serve, out: Path) -> dict[str, Any]:
    page, watch = open_page(1280)
    page.goto(serve(out))  # the home page: search.js (on search/) would have loaded the index already
    got = page.evaluate(RUN_QUERIES, [QUERIES])
    watch.assert_clean(str(out))
    page.context.close()
    return got


def without_order(got: dict[str, Any]) -> dict[str, Any]:
    """The same answers with text results as sets (ranks differ between one index and shards)."""
    out = json.loads(json.dumps(got))
    for (_term, options), answer in zip(QUERIES, out["answers"], strict=True):
        answer["urls"] = sorted(answer["urls"])
        if "sort" not in options:  # a sorted search keeps the order of its dates
            answer["dates"] = sorted(answer["dates"])
    return out


def difference(a: dict[str, Any], b: dict[str, Any]) -> str:
    """Where two sets of answers first differ: the query, and both answers."""
    if a["all"] != b["all"]:
        return f"filters(): {a['all']} != {b['all']}"
    for query, x, y in zip(QUERIES, a["answers"], b["answers"], strict=True):
        for key in x:
            if x[key] != y[key]:
                return f"{query} {key}:\n{x[key]}\n!=\n{y[key]}"
    return "no difference"


@pytest.mark.parametrize("seed", [1, 2])
def test_search_after_random_edits_equals_a_full_build(tmp_path, monkeypatch, open_page, serve, seed):
    monkeypatch.setattr(searchindex, "SHARD_RECORDS", SHARD)
    rng = random.Random(seed)
    alive = set(range(24))
    born = [max(alive)]
    site = write_site(tmp_path / "site", {f"content/incidents/i{n:03d}.md": incident(rng, n) for n in alive})
    out = tmp_path / "out"
    session = BuildSession(site)
    assert build(site, out, now=NOW, session=session).ok
    for step in range(3):
        for _ in range(rng.randrange(1, 4)):
            edit(site, rng, alive, born)
            if rng.random() < 0.4:
                session = BuildSession(site)  # the next `docket build`: shards come from the signed cache
            assert build(site, out, now=NOW, session=session).ok
        full = tmp_path / f"full-{step}"
        assert build(site, full, now=NOW, cache=False).ok
        folders = json.loads((full / "pagefind" / searchindex.SHARDS_FILE).read_text())["shards"]
        assert len(folders) >= 3, "the site should fill several shards"
        assert snapshot(out / "pagefind") == snapshot(full / "pagefind")
        incremental, complete = answers(open_page, serve, out), answers(open_page, serve, full)
        assert incremental == complete, difference(incremental, complete)
        assert any(a["urls"] for a in complete["answers"])
        with monkeypatch.context() as one:
            one.setattr(searchindex, "SHARD_RECORDS", 10**6)
            single = tmp_path / f"single-{step}"
            assert build(site, single, now=NOW, cache=False).ok
        assert json.loads((single / "pagefind" / searchindex.SHARDS_FILE).read_text())["shards"] == []
        sharded, one_index = without_order(complete), without_order(answers(open_page, serve, single))
        assert sharded == one_index, difference(sharded, one_index)


def test_the_search_page_merges_the_shards(tmp_path, monkeypatch, open_page, serve):
    # The page itself (search.js): filter counts of the whole site, browsing newest first across shards.
    monkeypatch.setattr(searchindex, "SHARD_RECORDS", SHARD)
    rng = random.Random(7)
    site = write_site(tmp_path / "site", {f"content/incidents/i{n:03d}.md": incident(rng, n) for n in range(30)})
    out = tmp_path / "out"
    assert build(site, out, now=NOW, cache=False).ok
    assert len(json.loads((out / "pagefind" / searchindex.SHARDS_FILE).read_text())["shards"]) >= 3
    page, watch = open_page(1280)
    page.goto(serve(out) + "search/?kind=Incident")
    page.locator("[data-search-status]").filter(has_text="30 results").wait_for()
    label = page.locator("label[for^=search-filter-0-]").filter(has_text="Incident")
    assert "(30)" in label.inner_text()
    shown = page.locator("[data-search-results] .item-title a").evaluate_all("els => els.map(a => a.textContent)")
    numbers = [int(title.split()[1]) for title in shown]
    date = {n: (site / f"content/incidents/i{n:03d}.md").read_text().split("date: ")[1][:10] for n in range(30)}
    assert len(numbers) == 10  # the first page of results: the ten newest of all shards, newest first
    assert [date[n] for n in numbers] == sorted(date.values(), reverse=True)[:10], numbers
    watch.assert_clean("search page")
