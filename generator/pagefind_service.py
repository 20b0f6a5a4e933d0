"""Pagefind's service protocol: records in, a bundle's files out, from the binary run as a subprocess.

Pagefind's own Python API (``pagefind.index``) is not used to drive the binary: it reads one
reply every 100 ms (10,000 records would take 17 minutes) and its reader stops at a reply over
2 MiB (the bundle of a large site). This module speaks the same protocol itself:
base64-encoded JSON messages, each followed by a comma, on the binary's stdin and stdout.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import subprocess
import tempfile
import threading
from collections.abc import Callable
from typing import IO, Any

from .outputs import OutputFile
from .pagefind_stable import stabilise
from .parallel import FORK_GUARD

BUNDLE_DIR = "pagefind"  # in the output; the search page loads pagefind/pagefind.js
TIMEOUT = 600.0  # seconds Pagefind may take before it is stopped (10,000 incidents take about 5)
# A bundle file name as Pagefind makes them ("fragment/en_1a2b3c4.pf_fragment"): nothing else is written.
_BUNDLE_NAME = re.compile(r"(?:[A-Za-z0-9_][A-Za-z0-9_.-]*/)*[A-Za-z0-9_][A-Za-z0-9_.-]*")


class SearchError(Exception):
    """Pagefind is missing or failed; the message says what happened."""


def run_pagefind(exe: str, records: list[dict[str, Any]],
                 started: Callable[[subprocess.Popen[bytes]], None] | None = None) -> list[OutputFile]:
    """Index ``records`` with the Pagefind binary and return its bundle, every file under ``pagefind/``.

    ``started`` is given the binary's process as soon as it runs (so that it can be stopped).
    """
    with tempfile.TemporaryFile() as errors:
        try:
            with FORK_GUARD:  # never while the build forks its workers (this may run in a thread)
                proc = subprocess.Popen([exe, "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=errors)
        except OSError as exc:
            raise SearchError(f"cannot run Pagefind ({exe}): {exc.strerror or exc}") from exc
        if started is not None:
            started(proc)
        assert proc.stdin is not None and proc.stdout is not None
        timer = threading.Timer(TIMEOUT, proc.kill)
        timer.start()
        try:
            return _index(proc.stdin, _Replies(proc.stdout), records)
        except (OSError, ValueError, KeyError, TypeError, EOFError) as exc:
            raise SearchError(_failure(exe, proc, exc, errors)) from exc
        finally:
            timer.cancel()
            with contextlib.suppress(OSError):
                proc.stdin.close()  # the binary ends when its input does
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            proc.stdout.close()


def _index(stdin: IO[bytes], replies: _Replies, records: list[dict[str, Any]]) -> list[OutputFile]:
    """Make an index, add every record (ids 2..), then ask for the bundle's files (the last id)."""
    stdin.write(_message(1, {"type": "NewIndex", "config": {}}))
    stdin.flush()
    index = replies.wait({1})[1]["index_id"]
    last = len(records) + 2
    # A thread writes while this one reads: either pipe filling up would stop the other side.
    writer = threading.Thread(target=_send, args=(stdin, records, index, last), daemon=True)
    writer.start()
    answers = replies.wait(set(range(2, last + 1)))
    writer.join()
    files = []
    for file in answers[last]["files"]:
        name = str(file["path"]).lstrip("/")
        if not is_bundle_name(name):
            raise ValueError(f"Pagefind made a file with an unexpected name: {name!r}")
        files.append(OutputFile(f"{BUNDLE_DIR}/{name}", base64.b64decode(file["content"])))
    return stabilise(sorted(files, key=lambda f: f.path), BUNDLE_DIR)  # the same bytes in every run


def _send(stdin: IO[bytes], records: list[dict[str, Any]], index: int, last: int) -> None:
    try:
        for n, record in enumerate(records, start=2):
            stdin.write(_message(n, {"type": "AddRecord", "index_id": index, **record}))
        stdin.write(_message(last, {"type": "GetFiles", "index_id": index}))
        stdin.flush()
    except OSError:
        pass  # the binary stopped: the reader sees its output end and reports what it said


def _message(n: int, payload: dict[str, Any]) -> bytes:
    return base64.b64encode(json.dumps({"message_id": n, "payload": payload}).encode("utf-8")) + b","


def is_bundle_name(name: str) -> bool:
    return _BUNDLE_NAME.fullmatch(name) is not None and ".." not in name.split("/")


class _Replies:
    """The binary's replies by message id, read from its stdout as they come."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.buffer = bytearray()
        self.start = 0  # where the next reply begins in buffer
        self.scanned = 0  # how far buffer is known to hold no comma

    def wait(self, ids: set[int]) -> dict[int, dict[str, Any]]:
        """The payloads of the replies to ``ids`` (raises ValueError on an error reply, EOFError at the end)."""
        got: dict[int, dict[str, Any]] = {}
        while len(got) < len(ids):
            reply = self._next()
            payload = reply.get("payload") or {}
            if payload.get("type") == "Error":
                raise ValueError(f"Pagefind answered: {payload.get('message') or 'an error'}")
            if reply.get("message_id") in ids:
                got[int(reply["message_id"])] = payload
        return got

    def _next(self) -> dict[str, Any]:
        while True:
            end = self.buffer.find(b",", max(self.start, self.scanned))
            if end >= 0:
                message = bytes(self.buffer[self.start:end])
                self.start = self.scanned = end + 1
                reply = json.loads(base64.b64decode(message))
                if not isinstance(reply, dict):
                    raise ValueError("Pagefind sent something other than a reply")
                return reply
            del self.buffer[:self.start]
            self.start, self.scanned = 0, len(self.buffer)
            chunk = os.read(self.stream.fileno(), 1 << 20)
            if not chunk:
                raise EOFError("it stopped before it answered")
            self.buffer += chunk


def _failure(exe: str, proc: subprocess.Popen[bytes], exc: BaseException, errors: IO[bytes]) -> str:
    """What went wrong, with the binary's exit status and the end of what it wrote to stderr."""
    status = proc.poll()
    if status is None and isinstance(exc, EOFError | BrokenPipeError):  # the binary is ending
        with contextlib.suppress(subprocess.TimeoutExpired):
            status = proc.wait(timeout=2)
    if status is None:  # still running (it answered with an error, or sent nonsense): stopped here
        proc.kill()
        proc.wait()
    errors.seek(0)
    said = " ".join(errors.read()[-4000:].decode("utf-8", "replace").split())[-300:]
    text = f"Pagefind ({exe}) failed: {exc}"
    if status is not None:
        text += f" (exit status {status})" if status >= 0 else f" (stopped by signal {-status})"
    return f"{text}: {said}" if said else text


