"""Defects a new writer found (issue 18): one mistake reported once, counts that agree, `docket new entity --kind`.

Each test writes a small site inline (helpers.py) and runs the real CLI.
"""

from __future__ import annotations

from helpers import build_fails, docket, expect_only, write_site

FIRE = "content/incidents/fire.md"


def test_a_figure_that_is_not_a_number_is_not_also_missing_for_the_updates(tmp_path):
    text = """
        ---
        title: Fire
        date: 2023-03-27
        figures:
          killed: about 50
          injured: 12
        updates:
          - date: 2023-03-28
            note: The toll rose.
            figures: [killed]
          - date: 2023-03-29
            type: correction
            note: The toll was corrected.
            figures: [killed, injured]
          - date: 2023-03-30
            note: And again.
            figures: [killed, missing]
        ---
        Body.
        """
    run = build_fails(write_site(tmp_path, {FIRE: text}))
    expect_only(run, FIRE, 5, "figures.killed", "about 50", "killed: 50")
    # The one figure really absent is still named; 'killed' is there, only written wrongly.
    warned = [d.rest for d in run.warnings]
    assert len(warned) == 1 and "'missing'" in warned[0], run.describe()


def test_a_failed_first_build_does_not_speak_of_a_previous_output(tmp_path):
    site = write_site(tmp_path, {FIRE: "---\ntitle: Fire\ndate: 2023-13-45\n---\nBody.\n"})
    run = docket("build", site)
    assert run.returncode == 1 and not (site / "output").exists(), run.describe()
    last = run.stderr.splitlines()[-1]
    assert last == "docket: build failed; nothing was written", run.describe()
    seeded = build_fails(site)  # with a previous output, it says that output was kept
    assert seeded.stderr.splitlines()[-1] == "docket: build failed; the previous output was left as it was"
