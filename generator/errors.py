"""The error that stops a command before any diagnostic: exit status 2 (see ``cli.py``)."""

from __future__ import annotations


class UsageError(Exception):
    """The command was pointed at something that is not a site (exit status 2)."""
