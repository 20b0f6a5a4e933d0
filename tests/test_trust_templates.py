"""Trust in a site's templates and archetypes: they run in Jinja's sandbox, within bounds.

A site's ``templates/`` and ``archetypes/`` come from whoever commits to the
site's repository, so rendering them must never run code of theirs, and no
template may hang a build or fill the memory. Jinja's compiled templates cached
in ``.docket-cache/jinja/`` are signed with a key kept outside the site, so a
planted cache file is never loaded. Each test builds a small site with the real
CLI and checks the diagnostic, the exit status, the untouched output, and that
the payload did not run (it would create a marker file).
"""

from __future__ import annotations

import marshal
import os
import time
from pathlib import Path

import pytest
from helpers import INCIDENT, build_fails, build_ok, docket, expect, snapshot, write_site
from jinja2 import DictLoader, Environment

from generator.theme import theme_dir

FIRE = "content/incidents/fire.md"
OVERRIDE = "templates/incident.html"


def override(expression: str) -> str:
    """A site's incident.html extending the theme's, with ``expression`` on line 3."""
    return ('{% extends "default/incident.html" %}\n{% block content %}\n'
            f"{expression}\n{{{{ super() }}}}\n{{% endblock %}}\n")


def site_with_override(tmp_path: Path, expression: str) -> Path:
    return write_site(tmp_path / "site", {FIRE: INCIDENT, OVERRIDE: override(expression)})


# ---------------------------------------------------------------------------
# Site templates run in the sandbox

def _shell(marker: Path) -> str:
    return f"touch {marker}"


EXPLOITS = [
    "{{{{ cycler.__init__.__globals__.os.popen('{cmd}').read() }}}}",
    "{{{{ self.__init__.__globals__.__builtins__.__import__('os').popen('{cmd}').read() }}}}",
    "{{{{ lipsum.__globals__['os'].popen('{cmd}').read() }}}}",
    "{{{{ joiner.__init__.__globals__.os.popen('{cmd}').read() }}}}",
    "{{{{ namespace.__init__.__globals__.os.popen('{cmd}').read() }}}}",
    "{{{{ url.__globals__['os'].popen('{cmd}').read() }}}}",
    "{{{{ ''.__class__.__mro__[1].__subclasses__() }}}}",
    "{{{{ range.__subclasses__() }}}}",
    "{{{{ site.__class__.__init__.__globals__ }}}}",
    "{{{{ '{{0.__class__.__init__.__globals__}}'.format(site) }}}}",
    "{{{{ incident.__reduce_ex__(2) }}}}",
    "{{% set x = [] %}}{{{{ x.append(1) }}}}",
]


@pytest.mark.parametrize("exploit", EXPLOITS)
def test_a_site_template_cannot_reach_python(tmp_path, exploit: str) -> None:
    marker = tmp_path / "ran"
    site = site_with_override(tmp_path, exploit.format(cmd=_shell(marker)))
    run = build_fails(site)
    expect(run, OVERRIDE, 3, "", "template error")
    assert not marker.exists(), "the template ran a command"
    assert "uid=" not in run.output


def test_the_theme_and_an_override_using_what_templates_may_use_still_build(tmp_path) -> None:
    site = site_with_override(tmp_path, (
        "{% set ns = namespace(n=0) %}{% for x in range(3) %}{% set ns.n = ns.n + x %}{% endfor %}"
        "<p id=probe>{{ ns.n }} {{ dict(a=1)|length }} {{ incident.title|upper }} {{ 'x'|default('y') }}"
        " {{ [3, 1, 2]|sort|join(',') }} {{ '%s!'|format('ok') }} {{ '{}?'.format('ok') }}"
        " {{ incident.title|replace('Fire', 'Blaze') }} {{ 1234|num }}</p>"))
    build_ok(site)
    html = (site / "output/incidents/fire/index.html").read_text(encoding="utf-8")
    assert "<p id=probe>3 1 FIRE AT THE DEPOT x 1,2,3 ok! ok? Blaze at the depot 1,234</p>" in html


# ---------------------------------------------------------------------------
# Bounds: no template hangs a build or fills the memory

BIG = [
    ("{{ 'a' * 10**9 }}", "too long"),
    ("{{ ['a'] * 10**9 }}", "too long"),
    ("{{ 10 ** 100000000 }}", "too large"),
    ("{% set n = 10 ** 9000 %}{{ n * n * n * n * n * n * n * n * n * n * n * n }}", "too large"),
    ("{% set ns = namespace(s='ab') %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}", "too long"),
    ("{% set ns = namespace(s='ab') %}{% for i in range(60) %}{% set ns.s = ns.s + ns.s %}{% endfor %}", "too long"),
    ("{{ '%999999999d' % 1 }}", "too long"),
    ("{{ '{:>999999999}'.format(1) }}", "too long"),
    ("{{ 'a'.center(999999999) }}", "too long"),
    ("{{ 'a'.ljust(999999999) }}", "too long"),
    ("{{ ('a' * 9999)|replace('a', 'a' * 9999) }}", "too long"),
    ("{{ ('a' * 9999).replace('a', 'a' * 9999) }}", "too long"),
    ("{{ range(99999)|map('string')|join('a' * 9999) }}", "too long"),
    ("{% set x %}{% for i in range(99999) %}{% for j in range(99999) %}" + "x" * 100
     + "{% endfor %}{% endfor %}{% endset %}", "more than"),
    ("{% macro m() %}{% for i in range(9999) %}{{ 'a' * 9999 }}{% endfor %}{% endmacro %}"
     "{% for i in range(99) %}{{ m() }}{% endfor %}", "too long"),
    ("{{ range(10**9) }}", "range"),
]


@pytest.mark.parametrize(("template", "phrase"), BIG)
def test_a_template_cannot_make_a_huge_value_or_page(tmp_path, template: str, phrase: str) -> None:
    site = site_with_override(tmp_path, template)
    started = time.monotonic()
    run = build_fails(site)
    assert time.monotonic() - started < 60
    expect(run, OVERRIDE, 3, "", "template error", phrase)


def test_nested_loops_stop_at_the_step_budget(tmp_path) -> None:
    site = site_with_override(tmp_path, "{% for i in range(99999) %}{% for j in range(99999) %}"
                                        "{% endfor %}{% endfor %}")
    run = build_fails(site)
    expect(run, OVERRIDE, 3, "", "template error", "more than", "steps")


def test_a_slow_template_stops_at_the_time_budget(tmp_path) -> None:
    # Few steps, each slow: only the time budget stops it.
    site = site_with_override(tmp_path, "{% set big = 'ab' * 400000 %}{% for i in range(99999) %}"
                                        "{% set x = big|replace('a', 'c') %}{% endfor %}")
    started = time.monotonic()
    run = build_fails(site)
    assert time.monotonic() - started < 90
    expect(run, OVERRIDE, 3, "", "template error", "seconds")


# ---------------------------------------------------------------------------
# Archetypes: bounded too

def archetype_run(tmp_path: Path, archetype: str):
    site = write_site(tmp_path / "site", {"archetypes/incident.md": archetype})
    started = time.monotonic()
    run = docket("new", "incident", "Blast", site, timeout=60)
    return run, time.monotonic() - started, site


@pytest.mark.parametrize(("archetype", "phrase"), [
    ("---\ntitle: {{ title|yaml }}\n---\n{% for i in range(9999) %}{% for j in range(9999) %}"
     "{% endfor %}{% endfor %}\n", "more than"),
    ("---\ntitle: {{ title|yaml }}\n---\n{{ range(99999) }}\n", "range"),
    ("---\ntitle: {{ title|yaml }}\n---\n{{ 'a' * 10**9 }}\n", "too long"),
    ("---\ntitle: {{ title|yaml }}\n---\n{{ 'a' * 999999 }}{{ 'a' * 999999 }}\n", "too long"),
    ("---\ntitle: {{ title|yaml }}\n---\n{{ cycler.__init__.__globals__.os.popen('id').read() }}\n", ""),
])
def test_an_archetype_cannot_hang_or_fill_docket_new(tmp_path, archetype: str, phrase: str) -> None:
    run, took, site = archetype_run(tmp_path, archetype)
    assert run.returncode == 2, run.describe()
    assert took < 30, run.describe()
    assert "Traceback" not in run.output and "uid=" not in run.output
    lines = [line for line in run.stderr.splitlines() if line.startswith("docket: error:")]
    # The whole text's length is checked once it is complete: no one line made it too long.
    where = "archetypes/incident.md: " if "999999 }}{{" in archetype else "archetypes/incident.md:4: "
    assert lines and lines[0].startswith(f"docket: error: {where}"), run.describe()
    assert phrase in lines[0], run.describe()
    assert not (site / "content/incidents/blast.md").exists()


# ---------------------------------------------------------------------------
# The bytecode cache cannot be planted

def _evil_code(marker: Path):
    return compile(f"open({str(marker)!r}, 'w').close()", "<planted>", "exec")


def _plant(cache: Path, marker: Path) -> int:
    """Write a crafted compiled template for every theme template where Jinja's own cache would look."""
    from jinja2 import FileSystemBytecodeCache
    from jinja2.bccache import Bucket

    plain = FileSystemBytecodeCache(str(cache))
    env = Environment()
    planted = 0
    for path in sorted(theme_dir().glob("*.*")):
        source = path.read_text(encoding="utf-8")
        for name in (path.name, f"default/{path.name}"):
            key = plain.get_cache_key(name, os.path.normpath(str(path)))
            bucket = Bucket(env, key, plain.get_source_checksum(source))
            bucket.code = _evil_code(marker)
            data = bucket.bytecode_to_string()
            (cache / (plain.pattern % key)).write_bytes(data)
            planted += 1
    for existing in cache.iterdir():  # and over whatever Docket wrote there itself
        if existing.is_file() and not existing.name.startswith("__jinja2_"):
            existing.write_bytes(existing.read_bytes()[:32] + marshal.dumps(_evil_code(marker)))
            planted += 1
    return planted


def test_a_planted_bytecode_file_is_never_run(tmp_path) -> None:
    marker = tmp_path / "ran"
    site = write_site(tmp_path / "site", {FIRE: INCIDENT})
    build_ok(site)
    cache = site / ".docket-cache" / "jinja"
    assert cache.is_dir()
    assert _plant(cache, marker) > 0
    (site / FIRE).write_text((site / FIRE).read_text(encoding="utf-8") + "More.\n", encoding="utf-8")
    build_ok(site)
    assert not marker.exists(), "a planted cache file ran"
    clean = write_site(tmp_path / "clean", {FIRE: INCIDENT + "More.\n"})
    build_ok(clean, "--no-cache")
    assert pages(site) == pages(clean)


def pages(site: Path) -> dict[str, bytes]:
    """The pages the templates made (the search index and the manifest record how they were written)."""
    return {rel: data for rel, data in snapshot(site / "output").items() if rel.endswith((".html", ".xml", ".svg"))}


def test_compiled_templates_are_reused_from_the_signed_cache(tmp_path, monkeypatch) -> None:
    from generator import cachekey
    from generator.jinjacache import SignedBytecodeCache

    assert cachekey.persistent(), "this machine has no /etc/machine-id"
    key = cachekey.cache_key()
    folder = tmp_path / "jinja"
    folder.mkdir()

    def compiles(signing_key: bytes) -> int:
        """How many templates a fresh environment compiled to render a.html (0: loaded from the cache)."""
        monkeypatch.setattr(cachekey, "cache_key", lambda: signing_key)
        env = _Counting(loader=DictLoader({"a.html": "{{ 1 + 1 }}"}), bytecode_cache=SignedBytecodeCache(folder))
        assert env.get_template("a.html").render() == "2"
        return env.compiled

    assert compiles(key) == 1
    assert compiles(key) == 0  # reused
    assert compiles(b"k" * 32) == 1  # another machine, user or Docket does not accept it
    assert compiles(key) == 1  # and this key no longer does: the file is the other key's now
    files = list(folder.iterdir())
    assert len(files) == 1
    data = files[0].read_bytes()
    files[0].write_bytes(data[:-1] + bytes([data[-1] ^ 1]))  # changed after signing: refused
    assert compiles(key) == 1
    assert compiles(key) == 0


class _Counting(Environment):
    compiled = 0

    def _compile(self, source: str, filename: str):  # type: ignore[no-untyped-def]
        self.compiled += 1
        return super()._compile(source, filename)


def test_without_a_machine_secret_no_compiled_template_is_kept(tmp_path, monkeypatch) -> None:
    # A key that dies with the process could verify nothing in the next one: keep nothing at all.
    from generator import cachekey
    from generator.diagnostics import Diagnostics
    from generator.session import BuildSession

    monkeypatch.setattr(cachekey, "_machine_secret", lambda: None)
    site = tmp_path / "site"
    site.mkdir()
    env = BuildSession(site).environment(None, Diagnostics())
    assert env.bytecode_cache is None
    assert not (site / ".docket-cache" / "jinja").exists()
