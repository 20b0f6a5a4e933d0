"""When each content file was first committed, where the site folder is a git repository.

A record's publication date, when its front matter gives none (see docs/content-format.md,
"Publication dates"). One ``git log`` reads the whole ``content/`` folder: the commits that
added or renamed a file, oldest first, so a renamed file keeps the date of its first name.
Nothing here can fail a build: no git, no repository or a git error gives no dates (with a
warning for the error), and the byline then says nothing rather than something false.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from .diagnostics import Diagnostics

GIT_TIMEOUT = 120  # seconds; a history too long to read in this is left unread, with a warning
_MARK = "commit "


def first_commits(root: Path, diags: Diagnostics) -> dict[str, str]:
    """Site path ("content/incidents/x.md") -> the ISO date-time of the commit that added it.

    Only for a site folder that is itself a repository (it holds ``.git``): a site inside a
    larger repository, such as a test fixture, would otherwise take dates from another history.
    """
    if not (root / ".git").exists():
        return {}
    # Git's own variables (GIT_DIR, GIT_INDEX_FILE…, set in a hook) would point it elsewhere.
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    command = ["git", "-c", "log.showSignature=false", "log", "--reverse", "--find-renames", "--diff-filter=AR",
               "--name-status", "-z", "--relative", f"--format=%x00{_MARK}%H %cI", "--", "content"]
    try:
        run = subprocess.run(command, cwd=root, env=env, capture_output=True, timeout=GIT_TIMEOUT, check=False)
    except FileNotFoundError:
        return {}  # git is not installed: a folder may hold .git without it
    except (OSError, subprocess.TimeoutExpired) as exc:
        diags.warning(".git", 0, "", f"cannot read when content files were first committed: {exc}",
                      "pages without a 'published' date say nothing about when they were published")
        return {}
    if run.returncode != 0:
        reason = run.stderr.decode("utf-8", "replace").strip().splitlines()
        if reason and "does not have any commits" not in reason[0]:
            diags.warning(".git", 0, "", f"cannot read when content files were first committed: {reason[0]}",
                          "pages without a 'published' date say nothing about when they were published")
        return {}
    return _parse(run.stdout.decode("utf-8", "surrogateescape"), _shallow_boundary(root))


def _parse(output: str, boundary: set[str]) -> dict[str, str]:
    """``git log -z --name-status`` read oldest commit first: A <path>, R<score> <old> <new>."""
    dates: dict[str, str] = {}
    tokens = output.split("\0")
    commit, when, i = "", "", 0
    while i < len(tokens):
        token = tokens[i].strip("\n")
        i += 1
        if token.startswith(_MARK):
            commit, _, when = token.removeprefix(_MARK).partition(" ")
        elif token.startswith("A") and i < len(tokens):
            path = tokens[i]
            i += 1
            # A shallow clone's oldest commit "adds" every file older than it: its real date is unknown.
            if commit not in boundary:
                dates.setdefault(path, when)
        elif token.startswith("R") and i + 1 < len(tokens):
            old, new = tokens[i], tokens[i + 1]
            i += 2
            if new not in dates and old in dates:
                dates[new] = dates[old]
    return dates


def _shallow_boundary(root: Path) -> set[str]:
    """The commits where a shallow clone's history is cut off (none in a whole clone)."""
    try:
        return set((root / ".git" / "shallow").read_text(encoding="ascii").split())
    except (OSError, UnicodeDecodeError):
        return set()
