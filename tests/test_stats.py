"""Site statistics (``generator.stats``) and the SVG charts drawn from them (``generator.charts``).

Both are pure functions, so they are checked on model objects built here, not on
built sites; the charts are parsed as XML, as a browser's SVG parser would read them.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from markupsafe import Markup

from generator.charts import bar_chart, year_columns
from generator.model import Incident, Location, Moment
from generator.numbers import format_number
from generator.stats import NOT_GIVEN, Breakdown, BreakdownRow, Statistics, describe, statistics
from generator.urls import term_slug

SVG = "{http://www.w3.org/2000/svg}"
_made = 0


def incident(year: int = 2022, country: str = "", tags: tuple[str, ...] = (), *, fictional: bool = False,
             excluded: bool = False, **figures: int | float) -> Incident:
    global _made
    _made += 1
    return Incident(slug=f"i{_made}", title=f"Incident {_made}", path=f"content/incidents/i{_made}.md", line=1,
                    date=Moment(dt.datetime(year, 3, 1, tzinfo=dt.UTC)), location=Location(country=country),
                    tags=tags, figures=tuple(figures.items()), fictional=fictional, exclude_from_totals=excluded)


SITE = [
    incident(2023, "Mexico", ("police",), killed=3, injured=1),
    incident(2021, "Mexico", ("protest",), killed=10),
    incident(2022, "Chile", ("police",), injured=5),
    incident(2021, "Peru", (), killed=2, injured=2, arrested=7),
    incident(2022, "", ("protest",), killed=1),
    incident(2022, "Mexico", ("police",), killed=100, injured=100, fictional=True),
    incident(2021, "Chile", ("protest",), killed=50, excluded=True),
]


def breakdown_sums(breakdown: Breakdown, figures: tuple[str, ...]) -> tuple[tuple[str, int | float], ...]:
    return tuple((key, sum(row.value(key) for row in breakdown.rows)) for key in figures)


# -- statistics -------------------------------------------------------------------------------------------------

def test_totals_leave_out_fictional_and_excluded_incidents():
    stats = statistics(SITE)
    assert (stats.counted, stats.left_out, stats.fictional, stats.excluded) == (5, 2, 1, 1)
    assert stats.figures == ("killed", "injured", "arrested")  # 4, 3 and 1 incidents have them
    assert stats.totals == (("killed", 16), ("injured", 8), ("arrested", 7))
    assert stats.total("killed") == 16 and stats.total("missing") == 0
    assert describe(stats) == ("Totals count 5 incidents; 1 fictional example and 1 incident excluded by the "
                               "editors are not counted.")


def test_an_incident_both_fictional_and_excluded_is_left_out_once():
    stats = statistics([incident(killed=1), incident(killed=5, fictional=True, excluded=True)])
    assert (stats.counted, stats.left_out, stats.fictional, stats.excluded) == (1, 1, 1, 0)
    assert describe(stats) == "Totals count 1 incident; 1 fictional example is not counted."


@pytest.mark.parametrize(("counts", "sentence"), [
    ((1234, 0, 0), "Totals count 1,234 incidents."),
    ((1, 0, 0), "Totals count 1 incident."),
    ((0, 5, 0), "Totals count 0 incidents; 5 fictional examples are not counted."),
    ((3, 0, 1), "Totals count 3 incidents; 1 incident excluded by the editors is not counted."),
    ((3, 0, 2), "Totals count 3 incidents; 2 incidents excluded by the editors are not counted."),
    ((1234, 5, 2), "Totals count 1,234 incidents; 5 fictional examples and 2 incidents excluded by the editors "
                   "are not counted."),
])
def test_describe_names_only_what_is_there_in_the_right_number(counts, sentence):
    counted, fictional, excluded = counts
    empty = Breakdown("year", ())
    stats = Statistics(counted, fictional + excluded, fictional, excluded, (), (), empty, empty, empty)
    assert describe(stats) == sentence


def test_every_breakdown_adds_up_to_the_totals():
    stats = statistics(SITE)  # one tag at most per incident, so the tags add up too
    for breakdown in (stats.by_year, stats.by_country, stats.by_tag):
        assert breakdown_sums(breakdown, stats.figures) == stats.totals, breakdown.dimension
        assert sum(row.incidents for row in breakdown.rows) == stats.counted
        assert all(tuple(k for k, _ in row.values) == stats.figures for row in breakdown.rows)


def test_rows_order_and_slugs():
    stats = statistics(SITE)
    assert [(r.key, r.slug, r.incidents) for r in stats.by_year.rows] == [
        ("2021", "2021", 2), ("2022", "2022", 2), ("2023", "2023", 1)]
    # Most incidents first, then by name; the incidents without a country last, with nothing to link.
    assert [(r.key, r.slug, r.incidents) for r in stats.by_country.rows] == [
        ("Mexico", "mexico", 2), ("Chile", "chile", 1), ("Peru", "peru", 1), (NOT_GIVEN, "", 1)]
    assert [(r.key, r.slug) for r in stats.by_tag.rows] == [("police", "police"), ("protest", "protest"),
                                                          (NOT_GIVEN, "")]
    assert stats.by_country.rows[0].values == (("killed", 13), ("injured", 1), ("arrested", 0))


def test_years_sort_as_numbers_and_slugs_are_term_slugs():
    stats = statistics([incident(999, "Côte d'Ivoire", ("Human rights",)), incident(2001, "Bosnia & Herzegovina")])
    assert [r.key for r in stats.by_year.rows] == ["999", "2001"]
    assert {r.key: r.slug for r in stats.by_country.rows} == {
        "Côte d'Ivoire": term_slug("Côte d'Ivoire"), "Bosnia & Herzegovina": term_slug("Bosnia & Herzegovina")}
    assert stats.by_tag.rows[0].slug == term_slug("Human rights")


def test_spellings_of_one_term_are_one_row_and_a_repeated_tag_counts_once():
    stats = statistics([incident(tags=("Police", "police"), killed=1), incident(tags=("police",), killed=2)])
    assert [(r.key, r.slug, r.incidents, r.value("killed")) for r in stats.by_tag.rows] == [
        ("Police", "police", 2, 3)]


def test_missing_figures_count_as_zero_and_floats_stay_floats():
    stats = statistics([incident(2020, "Chile", displaced=2.5, killed=1), incident(2020, "Peru", killed=2),
                        incident(2021, "Peru", displaced=0.25)])
    assert stats.totals == (("displaced", 2.75), ("killed", 3))
    assert isinstance(stats.total("killed"), int) and isinstance(stats.total("displaced"), float)
    peru = next(r for r in stats.by_country.rows if r.key == "Peru")
    assert peru.incidents == 2 and peru.values == (("displaced", 0.25), ("killed", 2))
    assert stats.by_year.rows[1].values == (("displaced", 0.25), ("killed", 0))
    assert statistics([incident(), incident()]).by_year.rows == (BreakdownRow("2022", "2022", 2, ()),)


def test_no_incidents():
    stats = statistics([])
    assert (stats.counted, stats.figures, stats.totals, stats.by_year.rows) == (0, (), (), ())
    assert describe(stats) == "Totals count 0 incidents."


def test_top_adds_up_the_rest_into_other():
    countries = ["A", "B", "C", "D", "E"]
    stats = statistics([incident(country=c, killed=n + 1) for n, c in enumerate(countries) for _ in range(5 - n)])
    top = stats.by_country.top(2)
    assert [(r.key, r.slug, r.incidents) for r in top] == [("A", "a", 5), ("B", "b", 4), ("Other (3)", "", 6)]
    assert top[-1].values == (("killed", 3 * 3 + 4 * 2 + 5 * 1),)
    assert sum(r.value("killed") for r in top) == stats.total("killed")
    assert stats.by_country.top(4) == stats.by_country.rows  # "Other (1)" would save nothing
    assert stats.by_country.top(10) == stats.by_country.rows
    assert stats.by_country.series("killed", top=1) == (("A", 5), ("Other (4)", 4 * 2 + 3 * 3 + 2 * 4 + 1 * 5))
    assert stats.by_country.series()[:2] == (("A", 5), ("B", 4))
    with pytest.raises(ValueError):
        stats.by_country.top(-1)


def test_ten_thousand_incidents():
    site = [incident(2000 + n % 25, f"Country {n % 40}", (f"tag{n % 60}", f"tag{n % 7}"), killed=n % 9,
                     injured=n % 4 + 0.5, fictional=n % 100 == 0) for n in range(10_000)]
    stats = statistics(site)
    assert stats.counted == 9_900 and len(stats.by_year.rows) == 25 and len(stats.by_country.rows) == 40
    assert breakdown_sums(stats.by_country, stats.figures) == stats.totals


# -- charts -----------------------------------------------------------------------------------------------------

def parse(svg: Markup) -> ET.Element:
    assert isinstance(svg, Markup)
    root = ET.fromstring(str(svg))
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert "style" not in str(svg) and "<script" not in str(svg) and "href" not in str(svg)
    return root


def texts(root: ET.Element, cls: str) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text") if t.get("class") == cls]


def bars(root: ET.Element) -> list[ET.Element]:
    return [r for r in root.iter(f"{SVG}rect") if r.get("class") == "bar"]


def check_names(root: ET.Element, chart_id: str, title: str) -> str:
    assert root.get("aria-labelledby") == f"{chart_id}-title {chart_id}-desc"
    assert root.find(f"{SVG}title").get("id") == f"{chart_id}-title"
    assert root.find(f"{SVG}title").text == title
    desc = root.find(f"{SVG}desc")
    assert desc.get("id") == f"{chart_id}-desc"
    return desc.text or ""


ROWS = [("2021", 12), ("2022", 24), ('<b>"x"</b>', 6), ("2024", 0), ("A place with a very long name indeed, "
                                                                   "longer than any label column", 1234)]


def test_bar_chart_draws_one_bar_per_row_in_proportion():
    svg = bar_chart(ROWS, title="Killed <by> year", unit="killed", chart_id="by-year")
    root = parse(svg)
    desc = check_names(root, "by-year", "Killed <by> year")
    assert desc == ('2021: 12 killed; 2022: 24 killed; <b>"x"</b>: 6 killed; 2024: 0 killed; A place with a very '
                    'long name indeed, longer than any label column: 1,234 killed.')
    widths = [float(r.get("width")) for r in bars(root)]
    assert len(widths) == len(ROWS)
    full = widths[4]
    assert full == max(widths) and widths[1] == pytest.approx(full * 24 / 1234, abs=0.01) and widths[3] == 0
    assert widths[0] == pytest.approx(widths[1] / 2, abs=0.01)
    x0, x_full = float(bars(root)[0].get("x")), float(bars(root)[4].get("x"))
    assert x0 == x_full and x_full + full <= 640
    assert texts(root, "bar-value") == ["12", "24", "6", "0", "1,234"]
    labels = texts(root, "bar-label")
    assert labels[:4] == ["2021", "2022", '<b>"x"</b>', "2024"]
    assert labels[4].endswith("\u2026") and ROWS[4][0].startswith(labels[4][:-1])
    assert root.get("viewBox") == f"0 0 640 {5 * 24}" and root.get("height") == str(5 * 24)
    assert all(e.get("fill") == "currentColor" for e in [*bars(root), *root.iter(f"{SVG}text")])


def test_charts_escape_writer_text():
    svg = str(bar_chart([('<b>"x"</b>', 1)], title="<script>&", unit="<i>", chart_id="c"))
    assert "<b>" not in svg and "<script>" not in svg and "<i>" not in svg
    assert "&lt;b&gt;&#34;x&#34;&lt;/b&gt;" in svg and "&lt;script&gt;&amp;" in svg
    svg = str(year_columns([('<b>"x"</b>', 1)], title="<script>", unit="<i>", chart_id="c"))
    assert "<b>" not in svg and "<script>" not in svg and "<i>" not in svg


def test_charts_are_deterministic():
    assert bar_chart(ROWS, title="T", unit="u", chart_id="a") == bar_chart(ROWS, title="T", unit="u", chart_id="a")
    assert year_columns(ROWS, title="T", unit="u", chart_id="a") == year_columns(ROWS, title="T", unit="u",
                                                                               chart_id="a")


def test_bar_chart_of_zeros_negatives_and_nothing():
    root = parse(bar_chart([("a", 0), ("b", 0)], title="T", unit="", chart_id="z"))
    assert [r.get("width") for r in bars(root)] == ["0", "0"] and texts(root, "bar-label") == ["a", "b"]
    assert check_names(root, "z", "T") == "a: 0; b: 0."
    root = parse(bar_chart([("a", -5), ("b", 10)], title="T", unit="", chart_id="n"))
    assert float(bars(root)[0].get("width")) == 0 and texts(root, "bar-value") == ["-5", "10"]
    root = parse(bar_chart([], title="T", unit="", chart_id="e"))
    assert bars(root) == [] and check_names(root, "e", "T") == "No data."


def test_a_chart_id_must_be_one_id():
    for bad in ("", "two words", '"x"', "1st"):
        with pytest.raises(ValueError):
            bar_chart(ROWS, title="T", unit="", chart_id=bad)
        with pytest.raises(ValueError):
            year_columns(ROWS, title="T", unit="", chart_id=bad)


def test_year_columns_in_proportion():
    rows = [("2019", 10), ("2020", 20), ("2021", 0), ("2022", 40.5)]
    root = parse(year_columns(rows, title="Incidents by year", unit="incidents", chart_id="timeline"))
    assert check_names(root, "timeline", "Incidents by year") == (
        "2019: 10 incidents; 2020: 20 incidents; 2021: 0 incidents; 2022: 40.5 incidents.")
    columns = bars(root)
    heights = [float(c.get("height")) for c in columns]
    assert len(columns) == 4 and heights[2] == 0
    assert heights[1] == pytest.approx(heights[0] * 2, abs=0.02) and heights[3] == max(heights)
    # Every column stands on the same baseline, oldest on the left.
    assert len({round(float(c.get("y")) + float(c.get("height")), 2) for c in columns}) == 1
    xs = [float(c.get("x")) for c in columns]
    assert xs == sorted(xs) and xs[-1] + float(columns[-1].get("width")) <= 640
    assert texts(root, "bar-label") == ["2019", "2020", "2021", "2022"]
    assert texts(root, "bar-value") == ["10", "20", "0", "40.5"]


def test_year_columns_thin_crowded_labels_but_describe_every_month():
    rows = [(f"{2000 + n // 12}-{n % 12 + 1:02}", n) for n in range(120)]
    root = parse(year_columns(rows, title="By month", unit="", chart_id="months"))
    assert len(bars(root)) == 120
    labels = texts(root, "bar-label")
    assert labels[0] == "2000-01" and 1 < len(labels) < 120
    assert texts(root, "bar-value") == []  # no room above columns this narrow: the desc has them
    assert check_names(root, "months", "By month").count(";") == 119


def test_chart_numbers_are_formatted_like_pages():
    for value in (0, 7, 1234, 1234567, 2.5, 1234.567, 3.0):
        root = parse(bar_chart([("x", value)], title="T", unit="", chart_id="f"))
        assert texts(root, "bar-value") == [format_number(value)]
