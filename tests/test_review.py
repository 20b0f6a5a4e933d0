"""The editor's review (`docket check`): each warning, where it points, and what it leaves alone.

Every test writes a small site inline and runs the real pipeline with
``build(site, write=False, review=True)``; the expected lines come from the same
literals through ``line_of``. A warning the model keeps no line for names line 1,
where the file's front matter opens.
"""

from __future__ import annotations

import pytest
from helpers import REPO, dedent, line_of, write_site

import generator.review
from generator.build import build
from generator.diagnostics import Diagnostic
from generator.scaffold import placeholder_texts

FIRE = "content/incidents/fire.md"
FILE_LINE = 1

CLEAN_SITE = {
    "site.yaml": """
        title: Test site
        base_url: https://example.org/
        nav:
          - title: About
            url: /about/
        """,
    FIRE: """
        ---
        title: Fire at the depot
        date: 2023-03-27
        entities: [depot-company]
        sources:
          - id: local-paper
            title: Fire at the depot
            url: https://example.org/fire
        claims:
          - text: The fire was an accident.
            by: depot-company
            sources: [company-statement]
        ---
        The fire began at night [@local-paper].
        """,
    "content/sources/company-statement.md": """
        ---
        title: Statement by the company
        archive_url: https://web.archive.org/web/https://example.org/statement
        ---
        The company's statement.
        """,
    "content/entities/depot-company.md": """
        ---
        name: Depot Company
        ---
        """,
    "content/pages/about.md": """
        ---
        title: About
        ---
        Who we are.
        """,
}


def review_site(site, **options) -> list[Diagnostic]:
    """The warnings of a review of ``site``, after asserting the build itself found no error."""
    result = build(site, write=False, review=True, cache=False, jobs=1, **options)
    assert not result.diagnostics.errors, result.diagnostics.report()
    return sorted(result.diagnostics.warnings)


def where(diags: list[Diagnostic]) -> list[tuple[str, int, str]]:
    return sorted((d.path, d.line, d.field) for d in diags)


def site_with(tmp_path, changes: dict[str, str | None]):
    files = dict(CLEAN_SITE)
    files.update(changes)
    return write_site(tmp_path, {k: v for k, v in files.items() if v is not None})


def test_a_clean_site_gives_no_warning(tmp_path):
    assert review_site(write_site(tmp_path, CLEAN_SITE)) == []


def test_the_example_site_gives_no_warning():
    result = build(REPO, write=False, review=True, cache=False)
    assert result.diagnostics.items == [], result.diagnostics.report()


def test_every_warning_is_a_warning_with_a_hint(tmp_path):
    site = site_with(tmp_path, {"content/incidents/bare.md": "---\ntitle: Bare\ndate: 2023-01-01\n---\nText.\n"})
    diags = review_site(site)
    assert diags
    for d in diags:
        assert d.severity == "warning" and d.message and d.hint, d


# -- sources without a link -------------------------------------------------------

def test_inline_source_without_url_points_at_its_entry(tmp_path):
    text = """
        ---
        title: Fire
        date: 2023-03-27
        sources:
          - id: local-paper
            title: Fire at the depot
            url: https://example.org/fire
          - id: witness-call
            title: A call with a witness
        ---
        Text [@local-paper] [@witness-call].
        """
    diags = review_site(site_with(tmp_path, {FIRE: text, "content/entities/depot-company.md": None,
                                             "content/sources/company-statement.md": None}))
    assert where(diags) == [(FIRE, line_of(text, "- id: witness-call"), "sources[1]")]
    assert "'witness-call'" in diags[0].message and "archive_url" in diags[0].hint


def test_source_file_without_url(tmp_path):
    path = "content/sources/company-statement.md"
    diags = review_site(site_with(tmp_path, {path: "---\ntitle: Statement\npublisher: The company\n---\n"}))
    assert where(diags) == [(path, FILE_LINE, "")]
    assert "no 'url' or 'archive_url'" in diags[0].message


# -- incidents and claims without a source -------------------------------------------

def test_incident_citing_no_source(tmp_path):
    path = "content/incidents/quiet.md"
    diags = review_site(site_with(tmp_path, {path: "---\ntitle: Quiet\ndate: 2023-01-01\n---\nNothing cited.\n"}))
    assert where(diags) == [(path, FILE_LINE, "sources")]
    assert "cites no source" in diags[0].message


@pytest.mark.parametrize("how", ["listed", "cited in the text"])
def test_incident_with_a_source_listed_or_cited_is_fine(tmp_path, how):
    listed = how == "listed"
    fields = "sources: [company-statement]\n" if listed else ""
    body = "Text.\n" if listed else "Text [@company-statement].\n"
    path = "content/incidents/second.md"
    text = f"---\ntitle: Second\ndate: 2023-01-02\n{fields}---\n{body}"
    assert review_site(site_with(tmp_path, {path: text})) == []


def test_claims_without_a_source(tmp_path):
    text = """
        ---
        title: Fire
        date: 2023-03-27
        entities: [depot-company]
        sources: [company-statement]
        claims:
          - text: The fire was started on purpose, officials said.
            by: depot-company
          - text: It was sourced.
            sources: [company-statement]
          - text: Nobody knows who said this.
        ---
        Text.
        """
    diags = review_site(site_with(tmp_path, {FIRE: text}))
    # A claim is named at its entry's first line.
    assert where(diags) == [(FIRE, line_of(text, "The fire was started"), "claims[0]"),
                            (FIRE, line_of(text, "Nobody knows"), "claims[2]")]
    assert all("has no source" in d.message for d in diags)
    assert any("'The fire was started on purpose, officials said.'" in d.message for d in diags)


# -- unedited scaffold text ---------------------------------------------------------

SUMMARY = "One sentence shown in lists, feeds and social cards."
CLAIM = "What was claimed, in one sentence."
BODY = ("Write what happened, one fact per paragraph. Cite a source with `[@source-id]`; "
        "link to an incident, entity or source with `[[id]]`.")


def test_the_placeholders_used_here_are_the_scaffolds():
    assert {SUMMARY, CLAIM, BODY} <= placeholder_texts()


def test_scaffold_text_in_front_matter_and_body(tmp_path):
    text = f"""
        ---
        title: Fire
        date: 2023-03-27
        summary: {SUMMARY}
        entities: [depot-company]
        sources: [company-statement]
        claims:
          - text: {CLAIM}
            sources: [company-statement]
        ---
        A real first paragraph.

        Write what happened, one fact per paragraph. Cite a source with `[@source-id]`;
        link to an incident, entity or source with `[[id]]`.

        A real last paragraph.
        """
    diags = review_site(site_with(tmp_path, {FIRE: text}))
    assert where(diags) == [(FIRE, line_of(text, "summary:"), "summary"),
                            (FIRE, line_of(text, CLAIM), "claims[0].text"),
                            (FIRE, line_of(text, "Write what happened"), "body")]


def test_scaffold_text_in_an_inline_source_and_site_yaml(tmp_path):
    description = next(t for t in placeholder_texts() if t.startswith("Replace this with one or two sentences"))
    text = """
        ---
        title: Fire
        date: 2023-03-27
        sources:
          - id: local-paper
            title: Fire at the depot
            publisher: Who published it
            url: https://example.org/fire
        ---
        Text [@local-paper].
        """
    yaml = dedent(CLEAN_SITE["site.yaml"]) + f"description: {description}\n"
    diags = review_site(site_with(tmp_path, {FIRE: text, "site.yaml": yaml, "content/entities/depot-company.md": None,
                                             "content/sources/company-statement.md": None}))
    assert where(diags) == [(FIRE, line_of(text, "publisher: Who"), "sources[0].publisher"),
                            ("site.yaml", 0, "description")]


def test_text_that_only_contains_a_placeholder_is_the_writers(tmp_path):
    text = dedent(CLEAN_SITE[FIRE]).replace("The fire began at night [@local-paper].",
                                    f"The summary said: {SUMMARY} [@local-paper]")
    assert SUMMARY in text
    assert review_site(site_with(tmp_path, {FIRE: text})) == []


# -- what nothing leads to ----------------------------------------------------------

def test_source_file_nobody_cites(tmp_path):
    path = "content/sources/unused.md"
    diags = review_site(site_with(tmp_path, {path: "---\ntitle: Unused\nurl: https://example.org/u\n---\n"}))
    assert where(diags) == [(path, FILE_LINE, "")]
    assert "cites the source 'unused'" in diags[0].message


def test_source_cited_only_by_a_draft_counts_as_uncited(tmp_path):
    path = "content/sources/unused.md"
    draft = "---\ntitle: Draft\ndate: 2023-01-01\ndraft: true\nsources: [unused]\n---\nText.\n"
    site = site_with(tmp_path, {path: "---\ntitle: Unused\nurl: https://example.org/u\n---\n",
                                "content/incidents/draft.md": draft})
    assert where(review_site(site)) == [(path, FILE_LINE, "")]
    assert review_site(site, drafts=True) == []


def test_entity_mentioned_nowhere(tmp_path):
    path = "content/entities/nobody.md"
    text = "---\nname: Nobody\n---\nNobody links here, not even [[nobody]].\n"  # its own link does not count
    diags = review_site(site_with(tmp_path, {path: text}))
    assert where(diags) == [(path, FILE_LINE, "")]
    assert "names the entity 'nobody'" in diags[0].message


@pytest.mark.parametrize("mention", [
    "---\ntitle: Report\ndate: 2023-04-01\n---\nSee [[nobody]].\n",
    "---\ntitle: Report\ndate: 2023-04-01\n---\nSee [them](/entities/nobody/).\n",
])
def test_entity_linked_from_a_report_is_mentioned(tmp_path, mention):
    site = site_with(tmp_path, {"content/entities/nobody.md": "---\nname: Nobody\n---\n",
                                "content/reports/report.md": mention})
    assert review_site(site) == []


def test_entity_named_only_by_a_claim_is_mentioned(tmp_path):
    text = dedent(CLEAN_SITE[FIRE]).replace("entities: [depot-company]\n", "")
    assert "entities:" not in text
    assert review_site(site_with(tmp_path, {FIRE: text})) == []


def test_default_footer_links_every_page(tmp_path):
    site = site_with(tmp_path, {"content/pages/methodology.md": "---\ntitle: Methodology\n---\nHow.\n"})
    assert review_site(site) == []


def test_page_nothing_links_to_when_the_footer_does_not_list_pages(tmp_path, monkeypatch):
    real = generator.review.review
    monkeypatch.setattr(generator.review, "review", lambda graph, bodies: real(graph, bodies, footer_pages=()))
    path = "content/pages/methodology.md"
    site = site_with(tmp_path, {path: "---\ntitle: Methodology\n---\nHow we work; see [[methodology]].\n"})
    diags = review_site(site)
    assert where(diags) == [(path, FILE_LINE, "")]  # about is in nav; its own link does not count
    assert "nothing links to the page 'methodology'" in diags[0].message

    linked = dedent(CLEAN_SITE["content/pages/about.md"]) + "See our [methodology](/methodology/).\n"
    assert review_site(site_with(tmp_path, {path: "---\ntitle: Methodology\n---\nHow.\n",
                                            "content/pages/about.md": linked})) == []


# -- what is reviewed -----------------------------------------------------------

def test_drafts_are_not_reviewed_unless_built_with_drafts(tmp_path):
    path = "content/incidents/draft.md"
    draft = f"---\ntitle: Draft\ndate: 2023-01-01\ndraft: true\nsummary: {SUMMARY}\n---\nText.\n"
    site = site_with(tmp_path, {path: draft})
    assert review_site(site) == []
    # No 'sources' key: the warning names the line the front matter opens on.
    assert where(review_site(site, drafts=True)) == [(path, FILE_LINE, "sources"),
                                                     (path, line_of(draft, "summary:"), "summary")]


def test_embargoed_items_are_not_reviewed(tmp_path):
    text = "---\ntitle: Later\ndate: 2023-01-01\npublish_after: 2999-01-01T00:00:00Z\n---\nText.\n"
    assert review_site(site_with(tmp_path, {"content/incidents/later.md": text})) == []


def test_a_build_without_review_gives_none_of_these(tmp_path):
    site = site_with(tmp_path, {"content/incidents/quiet.md": "---\ntitle: Quiet\ndate: 2023-01-01\n---\nText.\n"})
    result = build(site, write=False, cache=False, jobs=1)
    assert result.diagnostics.items == []


def test_a_site_with_errors_is_still_reviewed_without_a_crash(tmp_path):
    text = "---\ntitle: Broken\ndate: 2023-01-01\nsources: [missing]\n---\nText [@also-missing].\n"
    result = build(site_with(tmp_path, {"content/incidents/broken.md": text}), write=False, review=True, cache=False)
    assert result.diagnostics.errors
    assert all(d.path and d.message for d in result.diagnostics.items)
