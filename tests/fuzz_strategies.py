"""Hypothesis strategies for tests/test_fuzz.py: whole Docket sites with hostile content.

A drawn ``SiteCase`` is a small site: a fixed, valid skeleton (one source file,
one entity file, one other incident, one report, one page) that the fuzzed
files can cite and link to, plus

* one fuzzed incident (every documented field, each sometimes valid, sometimes
  the wrong type, sometimes huge or deeply nested, with hostile text and URLs),
* sometimes one fuzzed report, source, entity or page,
* a site.yaml whose free-text values are sometimes hostile,

serialised with ``yaml.safe_dump`` and then, for "broken" cases, sometimes
mutated as raw text (truncated, unclosed, tabs, duplicate keys, anchors and
aliases, unsupported tags, non-UTF-8 bytes...).

A "clean" case keeps every field structurally valid (so the build should
succeed) but still fills every free-text field and the Markdown body with
hostile strings; that is what exercises the escaping of the built pages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import yaml
from hypothesis import strategies as st

# ---------------------------------------------------------------------------
# Markers. Hostile HTML carries an attribute and an element with these names,
# so any of them surviving as real markup in a built page means escaping or
# sanitising broke somewhere.
MARK_ATTR = "pwned"
MARK_TAG = "docket-pwn"

# Ids of the fixed skeleton (see skeleton_files()).
KNOWN_SOURCE = "known-source"
KNOWN_ENTITY = "known-entity"
OTHER_INCIDENT = "other-incident"
KNOWN_REPORT = "known-report"
INLINE_SOURCE_IDS = ("src-a", "src-b", "src-c")
ENTITY_IDS = ("ent-a", "ent-b")

HOSTILE_TEXT = (
    "<script>alert(1)</script>",
    f'"><img src=x onerror=alert(1) {MARK_ATTR}=1>',
    f"'><svg onload=alert(1) {MARK_ATTR}>",
    f"<{MARK_TAG} {MARK_ATTR}=1>x</{MARK_TAG}>",
    f'<a href="javascript:alert(1)" {MARK_ATTR}>click</a>',
    f"<iframe src=//evil.example {MARK_ATTR}></iframe>",
    "</title><script>alert(1)</script>",
    "</textarea></style></script><script>alert(1)</script>",
    f'<meta http-equiv="refresh" content="0;url=javascript:alert(1)" {MARK_ATTR}>',
    f"<base href=//evil.example/ {MARK_ATTR}>",
    f"<details open ontoggle=alert(1) {MARK_ATTR}>",
    f"<math><mtext><table><mglyph><style><img src=x onerror=alert(1) {MARK_ATTR}>",
    f'<noscript><p title="</noscript><img src=x onerror=alert(1) {MARK_ATTR}>">',
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "//evil.example",
    "{{ 7*7 }}{% raw %}${7*7}",
    "&lt;script&gt; &#x3C;b&#x3E; &amp;",
    "]]><!-- -->",
    "\u202eevil.exe\u202c \u200f\u200e\u2066x\u2069",
    "🔥💀 ﷽ Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇",
    "\ufeff\u2028\u2029",
    "' OR 1=1 -- \"",
    "%s%n%x{0}",
    "\\",
)

HOSTILE_URLS = (
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "\tjavascript:alert(1)",
    "java\tscript:alert(1)",
    "&#106;avascript:alert(1)",
    "javascript&#58;alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "data:image/svg+xml,<svg onload=alert(1)>",
    "data:image/png;base64,iVBORw0KGgo=",
    "file:///etc/passwd",
    "//evil.example/x",
    "/relative/path",
    "relative",
    "http://",
    "https://",
    "http:///nohost",
    "http://[::1",
    "https://example.org:99999/",
    "ftp://example.org/x",
    "mailto:a@example.org",
    "https://example.org/ space",
    "",
)

# URLs that satisfy the http(s)-with-a-host rule but are hostile once placed in an attribute.
VALID_HOSTILE_URLS = (
    "https://example.org/a",
    'https://example.org/"onmouseover="alert(1)',
    "https://example.org/'><script>alert(1)</script>",
    f"https://example.org/?q=<{MARK_TAG}>&x=\"{MARK_ATTR}\"",
    "http://evil.example@example.org/",
    "https://例え.jp/パス?q=ü#ß",
    "https://example.org/%0Ajavascript:alert(1)",
    "HTTPS://EXAMPLE.ORG/UPPER",
    "https://example.org/" + "a" * 3000,
    "http://127.0.0.1:8000/x",
)

# Raw YAML lines appended to broken front matter: tags, bad scalars, anchors and aliases.
RAW_YAML_SNIPPETS = (
    "date: 2023-02-30",
    "date: 2023-13-01",
    "date: 10000-01-01",
    "date: 2023-01-01T25:61:00Z",
    "date: 2023-01-01T00:00:00+99:00",
    "date: 0001-01-01T00:00:00+14:00",
    "date: 9999-12-31T23:59:59-12:00",
    "date: !!timestamp 2023",
    "date: !!timestamp yesterday",
    "draft: !!bool maybe",
    "draft: yes",
    "draft: !!bool TRUE",
    "title: !!binary aGVsbG8=",
    "title: !!binary ü",
    "title: !custom x",
    "title: !!python/object:os.system x",
    "location: !!python/object/apply:os.system ['echo pwned']",
    "title: !!int abc",
    "title: !!float abc",
    "title: !!null x",
    "title: !!seq x",
    "title: !!map x",
    "title: !!omap x",
    "title: !!set x",
    "title: !!pairs x",
    "title: !!merge x",
    "title: !!value x",
    "title: !!str",
    "figures: {killed: .inf}",
    "figures: {killed: .nan}",
    "figures: {killed: -1}",
    "figures: {killed: 1" + "0" * 5000 + "}",
    "figures: {killed: 1" + "0" * 400 + "}",
    "figures: {killed: 0x1F, injured: 0o17, missing: 1_000, x: 1e400, y: -.inf}",
    "location: {lat: 1" + "0" * 400 + ", lon: 0}",
    "location: {lat: .nan, lon: -.inf}",
    "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    "e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]",
    "x: &a [*a]",
    "x: &a {k: *a}",
    "<<: {title: merged}",
    "base: &base {title: merged}\n<<: *base",
    "? [a, b]\n: c",
    "? {a: b}\n: c",
    "? |\n  block key\n: v",
    "title: *undefined_alias",
    "tags: &t [a, b]\nrelated: *t",
    "title: [unclosed",
    "title: {unclosed",
    'title: "unterminated',
    "title: 'it''s'",
    "title: @reserved",
    "title: `backtick",
    "title: %percent",
    "title: x\ntitle: y",
    "dup: 1\ndup: 2",
    "slug: ../../etc/passwd",
    "slug: /abs",
    "slug: CON",
    "slug: a/b",
    "slug: ..",
    "slug: " + "a" * 200,
    "slug: -leading",
    "%YAML 1.1",
    "--- !!map",
    "title: |\n  block\n  scalar",
    "claims:\n  - by: [a]\n    text: t",
    "claims: [[nested]]",
    "updates: [{date: 2023-01-01, note: [1]}]",
    "updates: [{note: no date}]",
    "sources: [{id: x, url: 'javascript:alert(1)', title: t}]",
    "sources:\n  - id: known-source\n  - id: known-source",
    "sources: [{id: known-source, title: redefined}]",
    "coverage: [{title: t, url: 'http://[::1'}]",
    "coverage: [{title: t, url: 'https://example.org:99999/'}]",
    "coverage: [{title: t, url: 'http:///nohost'}]",
    "entities: !!set {a, b}",
    "tags: !!omap [a: 1]",
    "tags: ['🔥', '...', '']",
    '"new\\nline key": 1',
    '"carriage\\rreturn": 1',
    '"escape\\e[31mred\\e[0m": 1',
    "x: " + "[" * 45 + "]" * 45,
    "x: " + "[" * 1500 + "]" * 1500,
    "x:\n" + "- " * 60 + "deep",
    "? " * 60 + "deep",
    "title: \"" + "[" * 50 + "\"",
    "\tkey: v",
    "key:\tvalue",
    "title: x # comment",
    "titel: typo",
    "sumary: typo",
    "Title: case",
    "\u00a0title: nbsp",
    "title: \u2028",
    "'': empty key",
    "~: null key",
    "1: int key",
    "? \n: null complex key",
)

VALID_DATES = (
    dt.date(2023, 3, 27),
    dt.date(1, 1, 1),
    dt.date(9999, 12, 31),
    dt.date(2024, 2, 29),
    dt.datetime(2023, 3, 27, 21, 30, tzinfo=dt.UTC),
    dt.datetime(2023, 3, 27, 21, 30, tzinfo=dt.timezone(dt.timedelta(hours=-6))),
    dt.datetime(1, 1, 1, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=14))),
    dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.timezone(dt.timedelta(hours=-12))),
    dt.datetime(2023, 3, 27, 21, 30),  # naive: takes the site's time zone
    "2023-03-27",
    "2023-03-27T21:30:00Z",
    "2023-03-27T21:30:00.123456+05:45",
)


def _chars(**kw):
    # No control characters (Cc) or noncharacters (Cn): Docket refuses them in front matter even as
    # YAML escapes, so they belong to the broken cases (PROBLEM_CHARS), not to text that must build.
    return st.characters(blacklist_categories=("Cs", "Cc", "Cn"), **kw)


unicode_text = st.text(_chars(), max_size=40)
short_word = st.text(st.characters(whitelist_categories=("Ll", "Lu", "Nd")), min_size=1, max_size=12)
hostile_text = st.sampled_from(HOSTILE_TEXT)


@st.composite
def free_text(draw, long: bool = True) -> str:
    """Text a writer might type, or an attacker: always a non-empty string after strip()."""
    kind = draw(st.integers(0, 9))
    if kind <= 3:
        text = draw(hostile_text)
    elif kind <= 5:
        text = draw(unicode_text)
    elif kind <= 7:
        text = draw(hostile_text) + " " + draw(unicode_text) + " " + draw(hostile_text)
    elif kind == 8 and long:
        text = draw(hostile_text) * draw(st.integers(20, 400))
    else:
        text = draw(short_word)
    text = text.strip()
    return text or "x"


@st.composite
def term_text(draw) -> str:
    """A tag, place or country: hostile, but with letters so a URL slug can be made."""
    return draw(free_text(long=False)) + " " + draw(st.text("abcxyzABC0189", min_size=1, max_size=8))


@st.composite
def figure_name(draw) -> str:
    """A figure's name, hostile but one Docket accepts: it names /table/by-<name>/, so it starts with a
    letter or digit, holds no slash and has at most 60 characters (longer or slashed names are errors)."""
    text = draw(st.text("abcxyzABC0189", min_size=1, max_size=4)) + " " + draw(free_text(long=False))
    return text.replace("/", " ").replace("\\", " ")[:60].strip()


def deep(value, depth: int, as_dict: bool):
    for _ in range(depth):
        value = {"k": value} if as_dict else [value]
    return value


# Values of the wrong type, or the right type but out of range, huge or deeply nested.
wrong_value = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([-1, 10**400, -(10**400), 2**63, 10**300]),
    st.floats(),
    st.sampled_from([float("nan"), float("inf"), -float("inf"), 1e308, -0.0]),
    st.just(""),
    st.just([]),
    st.just({}),
    st.lists(unicode_text, max_size=3),
    st.dictionaries(unicode_text, unicode_text, max_size=3),
    st.builds(deep, st.sampled_from(["x", 1, None]), st.integers(1, 50), st.booleans()),
    st.just("A" * 100_001),
    st.sampled_from(HOSTILE_TEXT),
    st.sampled_from(HOSTILE_URLS),
    st.sampled_from(["2023-02-30", "yesterday", "27/03/2023", "2023-03-27T25:00"]),
    st.dates(),
)


@st.composite
def maybe_wrong(draw, valid, broken: bool, p_wrong: int = 3):
    """A valid value, or (in broken cases, p_wrong times in 10) a wrong one."""
    if broken and draw(st.integers(0, 9)) < p_wrong:
        return draw(wrong_value)
    return draw(valid)


# ---------------------------------------------------------------------------
# Front matter of each kind.

def _put(draw, data: dict, key: str, valid, broken: bool, *, required: bool = False, p_omit: int = 4) -> None:
    """Set data[key] (a valid value, a wrong one, or nothing)."""
    omit = draw(st.integers(0, 9)) < (1 if required else p_omit)
    if omit and (broken or not required):
        return
    data[key] = draw(maybe_wrong(valid, broken))


def source_entry(broken: bool, ident: str):
    @st.composite
    def build(draw):
        entry: dict = {"id": draw(maybe_wrong(st.just(ident), broken, 2))}
        _put(draw, entry, "title", free_text(), broken, required=True)
        _put(draw, entry, "type", st.sampled_from(["article", "video", "document", "social", "statement",
                                                    "dataset", "other"]), broken)
        _put(draw, entry, "publisher", free_text(long=False), broken)
        _put(draw, entry, "url", st.sampled_from(VALID_HOSTILE_URLS), broken)
        _put(draw, entry, "archive_url", st.sampled_from(VALID_HOSTILE_URLS), broken)
        _put(draw, entry, "published", st.sampled_from(VALID_DATES), broken)
        _put(draw, entry, "accessed", st.sampled_from(VALID_DATES), broken)
        if broken and draw(st.booleans()):
            entry["url"] = draw(st.sampled_from(HOSTILE_URLS))
        return entry
    return build()


@st.composite
def incident_front_matter(draw, broken: bool) -> tuple[dict, set[str], set[str]]:
    """(front matter, ids of sources it defines or names, ids of entities it names)."""
    fm: dict = {}
    _put(draw, fm, "title", free_text(), broken, required=True)
    _put(draw, fm, "date", st.sampled_from(VALID_DATES), broken, required=True)
    _put(draw, fm, "slug", st.sampled_from(["fuzz-slug", "fuzz_slug_2", "a", "x" * 120]), broken, p_omit=8)
    _put(draw, fm, "summary", free_text(), broken)
    _put(draw, fm, "status", st.sampled_from(["developing", "confirmed", "disputed", "closed"]), broken)
    location = st.fixed_dictionaries({}, optional={
        "place": term_text(), "region": free_text(long=False), "country": term_text(),
        "lat": maybe_wrong(st.floats(-90, 90), broken), "lon": maybe_wrong(st.floats(-180, 180), broken)})
    if broken:
        location = location | st.fixed_dictionaries({"lat": st.sampled_from([91, -90.5, 10**400, float("nan")]),
                                                     "lon": st.sampled_from([181, 10**400, -float("inf"), 0])})
    if broken:
        location = location | st.dictionaries(
            st.sampled_from(["place", "region", "country", "lat", "lon", "latitude", "plcae"]), wrong_value, max_size=4)
    _put(draw, fm, "location", location, broken)
    _put(draw, fm, "tags", st.lists(term_text(), max_size=4), broken)
    figure_value = st.integers(0, 10**15) | st.floats(0, 1e15) | st.sampled_from([0, 0.5, 10**15])
    if broken:  # out of range, not finite, absurdly large, or too big for a float
        figure_value = figure_value | st.sampled_from([-1, -0.5, float("nan"), float("inf"), 10**15 + 1, 1e16,
                                                       10**400, -(10**400)])
    figures = st.dictionaries(figure_name(), maybe_wrong(figure_value, broken), max_size=4)
    _put(draw, fm, "figures", figures, broken)
    entity_ids = draw(st.lists(st.sampled_from(ENTITY_IDS + (KNOWN_ENTITY,)), max_size=3, unique=True))
    if entity_ids or broken:
        _put(draw, fm, "entities", st.just(entity_ids), broken, p_omit=2 if broken else 0)
    # Sources: inline definitions with fresh ids, and bare references to known ids.
    inline_ids = draw(st.lists(st.sampled_from(INLINE_SOURCE_IDS), max_size=3, unique=True))
    sources: list = [draw(source_entry(broken, i)) for i in inline_ids]
    if draw(st.booleans()):
        sources.append(draw(st.sampled_from([{"id": KNOWN_SOURCE}, KNOWN_SOURCE])))
    if broken and draw(st.booleans()):
        sources.append(draw(wrong_value))
    source_ids = set(inline_ids) | {KNOWN_SOURCE}
    if sources or broken:
        _put(draw, fm, "sources", st.just(sources), broken, p_omit=1 if broken else 0)
    known_entities = set(entity_ids) | {KNOWN_ENTITY}
    claim = st.fixed_dictionaries({"text": free_text()}, optional={
        "by": st.sampled_from(sorted(known_entities)),
        "date": st.sampled_from(VALID_DATES),
        "status": st.sampled_from(["supported", "disputed", "unverified", "false"]),
        "sources": st.lists(st.sampled_from(sorted(source_ids)), max_size=2, unique=True)})
    if broken:
        claim = claim | st.dictionaries(st.sampled_from(["text", "by", "date", "status", "sources", "claim"]),
                                        wrong_value, max_size=4)
    _put(draw, fm, "claims", st.lists(claim, max_size=3), broken)
    update = st.fixed_dictionaries({"date": st.sampled_from(VALID_DATES)}, optional={
        "note": free_text(), "type": st.sampled_from(["update", "correction"])})
    if broken:
        update = update | st.dictionaries(st.sampled_from(["date", "note", "type"]), wrong_value, max_size=3)
    _put(draw, fm, "updates", st.lists(update, max_size=3), broken)
    coverage = st.fixed_dictionaries({"title": free_text(), "url": st.sampled_from(VALID_HOSTILE_URLS)}, optional={
        "outlet": free_text(long=False), "date": st.sampled_from(VALID_DATES)})
    if broken:
        coverage = coverage | st.fixed_dictionaries({"title": wrong_value, "url": st.sampled_from(HOSTILE_URLS)})
    _put(draw, fm, "coverage", st.lists(coverage, max_size=2), broken)
    _put(draw, fm, "related", st.lists(st.sampled_from([OTHER_INCIDENT]), max_size=1), broken)
    _put(draw, fm, "draft", st.just(False), broken, p_omit=8)
    past = st.sampled_from([dt.date(2000, 1, 1), dt.datetime(2020, 1, 1, tzinfo=dt.UTC), dt.date(1, 1, 1)])
    _put(draw, fm, "publish_after", past, broken, p_omit=8)
    if broken and draw(st.booleans()):
        # Unknown keys: typos of known ones, and arbitrary (even multi-line) text.
        for key in draw(st.lists(st.sampled_from(["titel", "sumary", "tag", "Date", "source"]) | unicode_text,
                                 max_size=3)):
            fm.setdefault(key, draw(wrong_value))
    return fm, source_ids, known_entities


@st.composite
def other_front_matter(draw, kind: str, broken: bool) -> dict:
    fm: dict = {}
    if kind == "report":
        _put(draw, fm, "title", free_text(), broken, required=True)
        _put(draw, fm, "date", st.sampled_from(VALID_DATES), broken, required=True)
        _put(draw, fm, "authors", st.lists(free_text(long=False), max_size=3), broken)
        _put(draw, fm, "author", free_text(long=False), broken)
        _put(draw, fm, "summary", free_text(), broken)
        _put(draw, fm, "incidents", st.just([OTHER_INCIDENT]), broken)
        _put(draw, fm, "tags", st.lists(term_text(), max_size=3), broken)
        _put(draw, fm, "sources", st.just([KNOWN_SOURCE]), broken)
        _put(draw, fm, "image", st.sampled_from(["/img/cover.jpg", "img/x.png", "https://example.org/i.jpg",
                                                 "https://example.org/\"onerror=\"alert(1)"]), broken)
        if broken and draw(st.booleans()):
            fm["image"] = draw(st.sampled_from(["../../etc/passwd", "javascript:alert(1)", "C:\\x", "a\\b"]
                                               + list(HOSTILE_URLS)))
        _put(draw, fm, "image_alt", free_text(), broken)
        _put(draw, fm, "image_credit", free_text(), broken)
    elif kind == "source":
        fm = draw(source_entry(broken, "fuzz-source"))
        if not broken or draw(st.booleans()):
            fm.pop("id", None)
        _put(draw, fm, "reliability", st.sampled_from(["high", "medium", "low"]), broken)
        _put(draw, fm, "notes", free_text(), broken)
    elif kind == "entity":
        _put(draw, fm, "name", free_text(), broken)
        _put(draw, fm, "kind", st.sampled_from(["person", "organisation", "place"]), broken)
        _put(draw, fm, "aliases", st.lists(free_text(long=False), max_size=3), broken)
        _put(draw, fm, "country", free_text(long=False), broken)
        _put(draw, fm, "url", st.sampled_from(VALID_HOSTILE_URLS), broken)
    else:  # page
        _put(draw, fm, "title", free_text(), broken, required=True)
        _put(draw, fm, "summary", free_text(), broken)
    return fm


# ---------------------------------------------------------------------------
# Markdown bodies.

@st.composite
def inline_piece(draw, broken: bool, cite_ids: tuple[str, ...]) -> str:
    link_ids = (KNOWN_SOURCE, KNOWN_ENTITY, OTHER_INCIDENT, KNOWN_REPORT,
                f"source:{KNOWN_SOURCE}", f"entity:{KNOWN_ENTITY}", f"incident:{OTHER_INCIDENT}",
                f"report:{KNOWN_REPORT}")
    kind = draw(st.integers(0, 17))
    if kind == 0:
        text = draw(unicode_text)
        # A clean case must not cite or link an unknown id by accident.
        return text if broken else text.replace("[", "(")
    if kind == 1:
        return draw(hostile_text)
    if kind == 2:
        ids = draw(st.lists(st.sampled_from(cite_ids), min_size=1, max_size=3))
        return "[" + "; ".join("@" + i for i in ids) + "]"
    if kind == 3:
        target = draw(st.sampled_from(link_ids))
        text = draw(st.none() | hostile_text | short_word)
        return f"[[{target}|{text}]]" if text else f"[[{target}]]"
    # Refused URLs (scripts, '//host', unbuilt site paths like '/relative/path') only in broken cases.
    urls = HOSTILE_URLS + VALID_HOSTILE_URLS if broken else VALID_HOSTILE_URLS
    if kind == 4:
        url = draw(st.sampled_from(urls))
        title = draw(st.sampled_from(["", ' "t"', ' "<script>alert(1)</script>"', " 'x\" onmouseover=\"alert(1)'"]))
        return f"[{draw(short_word | hostile_text)}](<{url}>{title})" if " " in url or not url \
            else f"[{draw(short_word | hostile_text)}]({url}{title})"
    if kind == 5:
        url = draw(st.sampled_from(urls))
        return f"![{draw(hostile_text | short_word)}]({url})" if " " not in url else "![x](<" + url + ">)"
    if kind == 6:
        autolinks = ["https://example.org/a", "mailto:a@example.org", "a@example.org"]
        if broken:
            autolinks += ["javascript:alert(1)", "JAVASCRIPT:alert(1)", "vbscript:x", "data:text/html,x",
                          "file:///etc/passwd"]
        return "<" + draw(st.sampled_from(autolinks)) + ">"
    if kind == 7:
        return draw(st.sampled_from([
            f"<span onclick=alert(1) {MARK_ATTR}>x</span>", f"<img src=x onerror=alert(1) {MARK_ATTR}>",
            f'<a href="javascript:alert(1)" {MARK_ATTR}>x</a>', '<a href="  JaVaScRiPt:alert(1)">x</a>',
            '<a href="java&#x09;script:alert(1)">x</a>', f"<{MARK_TAG}>x</{MARK_TAG}>",
            "<script>alert(1)</script>", f'<img src="data:text/html,x" {MARK_ATTR}>',
            f'<svg><a xlink:href="javascript:alert(1)" {MARK_ATTR}><text>x</text></a></svg>',
            '<abbr title="x" style="background:url(javascript:alert(1))">x</abbr>',
            "<!-- comment --> <?php echo 1; ?> <![CDATA[x]]>"]))
    if kind == 8:
        return "`" + draw(hostile_text).replace("`", "") + "`"
    if kind == 9:
        marker = draw(st.sampled_from(["*", "**", "_", "__", "~~"]))
        return marker + draw(short_word | hostile_text) + marker
    if kind == 10:
        return "[^" + draw(st.sampled_from(["1", "note", "<script>", "x y", "🔥"])) + "]"
    if kind == 11:
        return draw(st.sampled_from(["&lt;script&gt;", "&#x3C;script&#x3E;", "&#0;", "&#xD800;", "&#1114112;",
                                     "&nbsp;", "&bogus;", "\\<script>", "\\[@x]", "\\[[x]]"]))
    if kind == 12:
        return "[" + draw(short_word) + "][" + draw(st.sampled_from(["ref", "evil", "missing"])) + "]"
    if kind == 13 and broken:
        return draw(st.sampled_from([
            "[@nope]", "[@Known.Source]", "[@known-source; @nope]", "[@<script>]", "[@]", "[@" + "a" * 300 + "]",
            "[[nope]]", "[[incident:known-entity]]", "[[<script>alert(1)</script>]]", "[[report:]]", "[[:x]]",
            "[[" + "a" * 250 + "]]", "[[x|" + "y" * 400 + "]]", "[[known-source|]]", "[[a:b:c]]"]))
    if kind == 14:
        return "\n" if draw(st.booleans()) else "  \n"
    return draw(short_word)


@st.composite
def markdown_block(draw, broken: bool, cite_ids: tuple[str, ...]) -> str:
    def para(n: int = 6) -> str:
        return " ".join(draw(st.lists(inline_piece(broken, cite_ids), min_size=1, max_size=n)))

    kind = draw(st.integers(0, 13))
    if kind <= 2:
        return para()
    if kind == 3:
        return "#" * draw(st.integers(1, 7)) + " " + para(3).replace("\n", " ")
    if kind == 4:
        return para(2).replace("\n", " ") + "\n" + draw(st.sampled_from(["===", "---"]))
    if kind == 5:
        return draw(st.sampled_from([
            f"<div onclick=alert(1) {MARK_ATTR}>\n\n*md inside*\n\n</div>",
            "<script>\nalert(1)\n</script>",
            "<style>body{display:none}</style>",
            f"<iframe src=\"javascript:alert(1)\" {MARK_ATTR}></iframe>",
            f"<form action=\"javascript:alert(1)\">"
            f"<button formaction=javascript:alert(1) {MARK_ATTR}>x</button></form>",
            "<object data=\"javascript:alert(1)\"></object><embed src=\"javascript:alert(1)\">",
            f"<table><tr><td style=\"text-align:right;background:url(javascript:alert(1))\" {MARK_ATTR}>x</td>"
            "</tr></table>",
            f"<p><img src=x onerror=alert(1) {MARK_ATTR}></p>",
            "<svg><script>alert(1)</script></svg>",
            f"<math><mtext><table><mglyph><style><img src=x onerror=alert(1) {MARK_ATTR}>",
            f"<noscript><p title=\"</noscript><img src=x onerror=alert(1) {MARK_ATTR}>\"></noscript>",
            "<!--\n--><script>alert(1)</script><!-- -->",
            f"<{MARK_TAG} {MARK_ATTR}>\nx\n</{MARK_TAG}>",
            "<base href=\"//evil.example/\">\n<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
            "<a href=\"javascript:alert(1)\">\n\nx\n\n</a>",
            "<section id=\"main\"><h2 id=\"sources\">x</h2></section>",
        ]))
    if kind == 6:
        info = draw(st.sampled_from(["", "python", "<script>", '" onmouseover="alert(1)', "js {.x}"]))
        return f"```{info}\n{draw(hostile_text)}\n{draw(unicode_text).replace('```', '')}\n```"
    if kind == 7:
        return "    " + draw(hostile_text)
    if kind == 8:
        cols = draw(st.integers(1, 4))
        head = "| " + " | ".join(para(2).replace("\n", " ").replace("|", "\\|") for _ in range(cols)) + " |"
        sep = "|" + "|".join(draw(st.sampled_from([" --- ", ":---", "---:", ":-:"])) for _ in range(cols)) + "|"
        rows = ["| " + " | ".join(para(2).replace("\n", " ") for _ in range(cols)) + " |"
                for _ in range(draw(st.integers(0, 3)))]
        return "\n".join([head, sep, *rows])
    if kind == 9:
        label = draw(st.sampled_from(["1", "note", "<script>", "x y", "🔥"]))
        if " " in label:  # no footnote: a link definition ("[^x y]" is its label), whose target must exist
            return f"[^{label}]: https://example.org/x " + para(3)
        return f"[^{label}]: " + para(3)
    if kind == 10:
        depth = draw(st.integers(1, 60))
        return ">" * depth + " " + para(3)
    if kind == 11:
        depth = draw(st.integers(1, 30))
        bullet = draw(st.sampled_from(["- ", "* ", "1. ", "1) "]))
        return "\n".join("  " * i * (2 if bullet[0].isdigit() else 1) + bullet + para(1).replace("\n", " ")
                         for i in range(depth))
    if kind == 12:
        return "[" + draw(st.sampled_from(["ref", "evil"])) + "]: " + draw(
            st.sampled_from([u for u in (HOSTILE_URLS if broken else ()) + VALID_HOSTILE_URLS
                             if u and " " not in u])) + ' "title"'
    return draw(st.sampled_from(["---", "***", "", "\\", "<", "&", "[", "]]", "|", "```", "~~~"]))


@st.composite
def markdown_body(draw, broken: bool, cite_ids: tuple[str, ...]) -> str:
    blocks = draw(st.lists(markdown_block(broken, cite_ids), max_size=10))
    return "\n\n".join(blocks) + "\n"


# ---------------------------------------------------------------------------
# Raw text: serialise, then (broken cases) mutate.

def dump(data, draw) -> str:
    text = yaml.safe_dump(data, allow_unicode=draw(st.booleans()), sort_keys=False,
                          default_flow_style=draw(st.sampled_from([False, None, True])),
                          width=draw(st.sampled_from([80, 10**9])))
    return "" if text.strip() in ("{}", "null", "") else text


MUTATIONS = ("truncate", "unclosed", "tabs", "snippet", "snippet", "snippet", "bom", "crlf", "cr",
             "leading_blank", "dots_end", "latin1", "no_front_matter", "empty", "control", "whitespace_only",
             "list_front_matter", "scalar_front_matter")


@st.composite
def document_bytes(draw, data, body: str, broken: bool) -> bytes:
    yaml_text = dump(data, draw)
    closing = "---"
    mutation = draw(st.sampled_from(MUTATIONS)) if broken and draw(st.integers(0, 9)) < 5 else None
    if mutation == "truncate" and yaml_text:
        yaml_text = yaml_text[: draw(st.integers(0, len(yaml_text)))]
    elif mutation == "tabs":
        lines = yaml_text.split("\n")
        i = draw(st.integers(0, max(0, len(lines) - 1)))
        lines[i] = "\t" + lines[i].lstrip(" ")
        yaml_text = "\n".join(lines)
    elif mutation == "snippet":
        snippets = draw(st.lists(st.sampled_from(RAW_YAML_SNIPPETS), min_size=1, max_size=3))
        yaml_text = ((yaml_text if not yaml_text or yaml_text.endswith("\n") else yaml_text + "\n")
                     + "\n".join(snippets) + "\n")
    elif mutation == "dots_end":
        closing = "..."
    elif mutation == "control" and yaml_text:
        i = draw(st.integers(0, len(yaml_text)))
        ch = draw(st.sampled_from(["\x01", "\x1b", "\x7f", "\x85", "\u2028", "\ufffe", "\x0b", "\x0c", "\r"]))
        yaml_text = yaml_text[:i] + ch + yaml_text[i:]
    elif mutation == "list_front_matter":
        yaml_text = "- a\n- b\n"
    elif mutation == "scalar_front_matter":
        yaml_text = "just text\n"
    if yaml_text and not yaml_text.endswith("\n"):
        yaml_text += "\n"
    text = f"---\n{yaml_text}{closing}\n{body}"
    if mutation == "unclosed":
        text = f"---\n{yaml_text}{body.replace('---', '- - -').replace('...', '. . .')}"
    elif mutation == "bom":
        text = "\ufeff" + text
    elif mutation == "crlf":
        text = text.replace("\n", "\r\n")
    elif mutation == "cr":
        text = text.replace("\n", "\r")
    elif mutation == "leading_blank":
        text = "\n" + text
    elif mutation == "no_front_matter":
        text = body
    elif mutation == "empty":
        text = ""
    elif mutation == "whitespace_only":
        text = " \n\t\n"
    data_bytes = text.encode("utf-8")
    if mutation == "latin1":
        data_bytes = text.encode("latin-1", errors="replace") + b"caf\xe9\n"
    return data_bytes


# ---------------------------------------------------------------------------
# Whole sites.

SKELETON = {
    "content/sources/known-source.md": (
        "---\ntitle: Known source\ntype: article\npublisher: Known Publisher\n"
        "url: https://example.org/known\n---\nA source the fuzzed files cite.\n"),
    "content/entities/known-entity.md": "---\nname: Known Entity\nkind: person\n---\nSomeone.\n",
    "content/incidents/other-incident.md": (
        "---\ntitle: Other incident\ndate: 2023-01-01\ntags: [migration]\nlocation:\n  place: Nogales\n"
        "  country: Mexico\nfigures:\n  killed: 2\nentities: [known-entity]\nsources:\n  - id: known-source\n"
        "---\nSee [@known-source] and [[known-entity]].\n"),
    "content/reports/known-report.md": (
        "---\ntitle: Known report\ndate: 2023-02-01\nincidents: [other-incident]\ntags: [migration]\n"
        "---\nA report on [[other-incident]].\n"),
    "content/pages/about.md": "---\ntitle: About\n---\nAbout this site.\n",
    # The local images a report's 'image' may name: a missing one is an error, and a clean case has none.
    "static/img/cover.jpg": "not really a JPEG",
    "static/img/x.png": "not really a PNG",
}


def site_yaml_text(allow_html: bool, extra: dict | None = None) -> str:
    data = {"title": "Fuzz site", "base_url": "https://example.org/docket/", "language": "en",
            "allow_html": allow_html, "nav": [{"title": "Incidents", "url": "/incidents/"}]}
    data.update(extra or {})
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@st.composite
def site_yaml(draw, allow_html: bool, broken: bool) -> str:
    extra: dict = {}
    for key in ("title", "description", "author", "org"):
        if draw(st.integers(0, 3)) == 0:
            extra[key] = draw(maybe_wrong(free_text(), broken, 2))
    if draw(st.integers(0, 3)) == 0 or (broken and draw(st.booleans())):
        extra["nav"] = [{"title": draw(free_text(long=False)),
                         "url": draw(st.sampled_from(["/incidents/", "/about/", "/\"><script>",
                                                      "https://example.org/x", "/" + "%2e%2e/" * 3]))}]
        if broken and draw(st.booleans()):
            bad_url = st.sampled_from(["http://[::1", "https://[", "https://example.org:99999/", "http://",
                                       "//evil.example/", "javascript:alert(1)", "relative", ""])
            bad_url |= st.sampled_from(HOSTILE_URLS)
            extra["nav"].append({"title": "x", "url": draw(bad_url)})
    if draw(st.integers(0, 5)) == 0:
        extra["timezone"] = draw(st.sampled_from(["America/Mexico_City", "Pacific/Kiritimati", "Etc/GMT+12", "UTC"]
                                                 + (["Mars/Olympus", "../../etc/passwd", "/etc/localtime", ""]
                                                    if broken else [])))
    if broken and draw(st.integers(0, 5)) == 0:
        extra[draw(st.sampled_from(["per_page", "home_limit", "related_limit"]))] = draw(wrong_value)
    return site_yaml_text(allow_html, extra)


INCIDENT_FILE_NAMES = (
    ("fuzz-incident.md", "fuzz-incident"),
    ("Fuzz Incident Ünïcødé.md", "fuzz-incident-unicode"),
    ("2023-03-27 fire.md", "2023-03-27-fire"),
)
BROKEN_FILE_NAMES = ("---.md", "🔥.md", "con.md", "a" * 200 + ".md", "UPPER.MD.md", "x.markdown", ".hidden.md",
                     "_draft.md", "backup.md~")


@dataclass
class SiteCase:
    files: dict[str, bytes]
    broken: bool
    allow_html: bool
    expected_pages: list[tuple[str, str]] = field(default_factory=list)  # (output file, text it must show)

    def _repr_pretty_(self, printer, cycle) -> None:  # Hypothesis prints this, not the dataclass fields
        printer.text(repr(self))

    def __repr__(self) -> str:  # what Hypothesis prints for a falsifying example: the files themselves
        parts = [f"SiteCase(broken={self.broken}, allow_html={self.allow_html}, files={{"]
        for path, data in self.files.items():
            if path in SKELETON:
                continue
            try:
                shown = repr(data.decode("utf-8"))
            except UnicodeDecodeError:
                shown = repr(data)
            parts.append(f"  {path!r}: {shown},")
        parts.append("})")
        return "\n".join(parts)


@st.composite
def site_cases(draw, allow_html: bool | None = None) -> SiteCase:
    broken = draw(st.booleans())
    if allow_html is None:
        allow_html = draw(st.integers(0, 3)) == 0
    files = {path: text.encode("utf-8") for path, text in SKELETON.items()}
    files["site.yaml"] = draw(site_yaml(allow_html, broken)).encode("utf-8")
    expected: list[tuple[str, str]] = []

    fm, source_ids, _ = draw(incident_front_matter(broken))
    cite_ids = tuple(sorted(source_ids))
    body = draw(markdown_body(broken, cite_ids))
    name, default_slug = draw(st.sampled_from(INCIDENT_FILE_NAMES))
    if broken and draw(st.integers(0, 9)) == 0:
        name = draw(st.sampled_from(BROKEN_FILE_NAMES))
    files["content/incidents/" + name] = draw(document_bytes(fm, body, broken))
    if not broken:
        slug = fm.get("slug", default_slug)
        expected.append((f"incidents/{slug}/index.html", fm["title"]))

    if draw(st.booleans()):
        kind = draw(st.sampled_from(["report", "source", "entity", "page"]))
        other = draw(other_front_matter(kind, broken))
        folder = {"report": "reports", "source": "sources", "entity": "entities", "page": "pages"}[kind]
        ident = {"report": "fuzz-report", "source": "fuzz-source", "entity": "fuzz-entity", "page": "fuzz-page"}[kind]
        other_body = draw(markdown_body(broken, (KNOWN_SOURCE,)))
        files[f"content/{folder}/{ident}.md"] = draw(document_bytes(other, other_body, broken))
        if not broken:
            shown = other.get("title") or other.get("name")
            section = {"report": "reports/", "source": "sources/", "entity": "entities/", "page": ""}[kind]
            if shown:
                expected.append((f"{section}{ident}/index.html", shown))
    return SiteCase(files, broken, allow_html, expected)


# ---------------------------------------------------------------------------
# Arbitrary text for parse_document.

# Characters YAML or terminals treat specially: C0/C1 controls, YAML's extra line
# breaks (NEL, LS, PS), non-characters, BOM, bidi overrides, a lone CR.
PROBLEM_CHARS = ("\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x85", "\x9b", "\u2028", "\u2029",
                 "\ufffe", "\uffff", "\ufeff", "\u202e", "\r", "\t")


@st.composite
def document_text(draw) -> str:
    kind = draw(st.integers(0, 6))
    if kind == 6:
        # Ordinary front matter with problem characters spliced into keys, values and line ends.
        problem = st.tuples(st.sampled_from(PROBLEM_CHARS), st.integers(1, 5)).map(lambda t: t[0] * t[1])
        parts = draw(st.lists(st.sampled_from(["title", ": ", "x", "\n", "'", '"', "[", "]", "- ", "  "]) | problem,
                              min_size=1, max_size=25))
        return "---\ntitle: t\n" + "".join(parts) + "\n---\n" + draw(st.sampled_from(["", "body\n"]))
    if kind == 0:
        return draw(st.text())
    if kind == 1:
        return "---\n" + draw(st.text()) + "\n---\n" + draw(st.text(max_size=20))
    if kind == 2:
        lines = draw(st.lists(st.sampled_from(RAW_YAML_SNIPPETS) | st.text(max_size=20), max_size=6))
        closing = draw(st.sampled_from(["---", "...", "--- ", "", "----"]))
        return "---\n" + "\n".join(lines) + "\n" + closing + "\n" + draw(st.text(max_size=20))
    if kind == 3:
        fm, _, _ = draw(incident_front_matter(True))
        return draw(document_bytes(fm, draw(st.text(max_size=30)), True)).decode("utf-8", errors="replace")
    if kind == 4:
        # YAML-ish soup: keys, indentation, flow brackets, anchors, tags, quotes.
        alphabet = st.sampled_from(list(":-[]{}&*!|>'\"#%@`,?\n\t ") + ["key", "a", "1", "---", "...", "\\", "\u2028",
                                                                       "\x85", "\x1b", "é", "!!", "<<"])
        return "---\n" + "".join(draw(st.lists(alphabet, max_size=40))) + "\n---\n"
    return "---\n" + draw(st.text(_chars(), max_size=60)) + "\n---\n"
