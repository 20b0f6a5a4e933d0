"""The stages import only downward: the layering of ``generator/`` is a rule, checked here, not a convention.

``LAYERS`` lists the package's modules in groups, lowest first (docs/architecture.md, "Layers").
A module may import modules of its own layer and of the layers below it, never above; and no
modules may import each other in a circle, in any layer. Every import counts: at the top of a
module, inside a function (a late import that dodges a circle at run time is still the circle)
and under ``if TYPE_CHECKING:``. Importing ``generator.a.b`` also runs ``generator/a/__init__.py``,
so it counts as importing the package ``a`` as well. The root package is the exception: every
module lies inside it, and its ``__init__`` loads only ``version.py`` (``build()`` imports
``build.py`` when it is called).

A module in no layer fails too, so a new module is placed on purpose.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import REPO

ROOT = "generator"

# Lowest first. A name is a module of generator/ ("urls" is generator/urls.py) or a subpackage with
# all its modules ("pages" is generator/pages/); "generator" is the package's own __init__.py.
LAYERS: tuple[tuple[str, frozenset[str]], ...] = tuple((name, frozenset(modules.split())) for name, modules in (
    # Helpers and types that every stage shares; they import nothing above them.
    ("base", "version errors pickling hints urls numbers theme parallel terminal atomic outputs outfiles codeid "
             "model diagnostics cachekey jinjacache sandbox"),
    ("load", "fence gitdates loader"),
    ("validate", "invisible frontmatter fields config unreadable terms related validate"),
    ("resolve", "graph"),
    ("markdown", "mdlimits rawhtml mdplugins markdown"),
    ("plan", "stats charts datalisting geo meta contexts pagejob pages dataschemas exports sitemap"),
    ("render", "fingerprint fragments render produce basemaps"),
    ("session", "cacheowner session"),
    ("search", "pagefind_stable pagefind_service search searchcache searchindex"),
    ("scaffold", "scaffold"),
    ("check and write", "links review writer"),
    ("build", "build"),
    ("commands", "serve report cli __main__ generator"),
))


@dataclass(frozen=True, slots=True)
class Import:
    module: str  # the importing module, dotted: "generator.pages.items"
    path: str  # its file, relative to the repository
    line: int
    target: str  # the imported module, dotted


def modules(package: Path) -> dict[str, Path]:
    """Every module of ``package`` (a folder), by dotted name."""
    found = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports(package: Path) -> list[Import]:
    """Every import of one module of ``package`` by another, wherever in the module it is written."""
    known = modules(package)
    found = []
    for name, path in known.items():
        inside = name if path.name == "__init__.py" else name.rpartition(".")[0]
        shown = path.relative_to(package.parent).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            for target in _targets(node, inside, known):
                for each in (*_packages_run(target, name, package.name), target):
                    if each != name:
                        found.append(Import(name, shown, node.lineno, each))
    return found


def _targets(node: ast.AST, inside: str, known: dict[str, Path]) -> list[str]:
    if isinstance(node, ast.Import):
        return [_known(alias.name, known) for alias in node.names if _known(alias.name, known)]
    if not isinstance(node, ast.ImportFrom):
        return []
    if node.level:
        base = inside.split(".")[:len(inside.split(".")) - node.level + 1]
        source = ".".join([*base, *([node.module] if node.module else [])])
    else:
        source = node.module or ""
    if source not in known:
        return []
    # `from . import x` imports the module x when there is one, otherwise a name of the package.
    return [f"{source}.{alias.name}" if f"{source}.{alias.name}" in known else source for alias in node.names]


def _known(dotted: str, known: dict[str, Path]) -> str:
    while dotted and dotted not in known:
        dotted = dotted.rpartition(".")[0]
    return dotted


def _packages_run(target: str, importer: str, root: str) -> list[str]:
    """The packages whose ``__init__`` importing ``target`` runs, the root's and the importer's own left out."""
    parts = target.split(".")
    outer = [".".join(parts[:n]) for n in range(2, len(parts))]
    return [p for p in outer if p != root and not (importer == p or importer.startswith(p + "."))]


def layer_of(module: str, layers: tuple[tuple[str, frozenset[str]], ...], root: str = ROOT) -> int | None:
    """The index of the layer that ``module`` belongs to, or None."""
    key = root if module == root else module.split(".")[1]
    for index, (_, names) in enumerate(layers):
        if key in names:
            return index
    return None


def upward_imports(package: Path, layers: tuple[tuple[str, frozenset[str]], ...]) -> list[str]:
    """One line per import of a module from a higher layer: where it is and which layers."""
    found = []
    for imp in imports(package):
        low, high = layer_of(imp.module, layers, package.name), layer_of(imp.target, layers, package.name)
        if low is not None and high is not None and high > low:
            found.append(f"{imp.path}:{imp.line}: {imp.module} (layer {layers[low][0]!r}) imports "
                         f"{imp.target} (layer {layers[high][0]!r}, above it)")
    return found


def unplaced(package: Path, layers: tuple[tuple[str, frozenset[str]], ...]) -> list[str]:
    return [f"{path.relative_to(package.parent).as_posix()}: {name} is in no layer; add it to the layer it belongs "
            "to in tests/test_layers.py (LAYERS) and to docs/architecture.md"
            for name, path in modules(package).items() if layer_of(name, layers, package.name) is None]


def cycles(package: Path) -> list[str]:
    """Each circle of imports, as "a → b → a" with the line of each import."""
    edges: dict[str, dict[str, Import]] = {}
    for imp in imports(package):
        edges.setdefault(imp.module, {}).setdefault(imp.target, imp)
    found, done = [], set()

    def walk(module: str, path: list[str]) -> None:
        for target in sorted(edges.get(module, {})):
            if target in path:
                circle = path[path.index(target):] + [target]
                steps = [edges[a][b] for a, b in zip(circle, circle[1:], strict=False)]
                found.append(" → ".join(circle) + " (" + ", ".join(f"{s.path}:{s.line}" for s in steps) + ")")
            elif target not in done:
                walk(target, [*path, target])
        done.add(module)

    for module in sorted(edges):
        if module not in done:
            walk(module, [module])
    return found


# -- Docket's own package ----------------------------------------------------------------------


def test_every_module_of_generator_is_in_a_layer() -> None:
    found = unplaced(REPO / ROOT, LAYERS)
    assert not found, "\n".join(found)


def test_no_module_of_generator_imports_from_a_layer_above_its_own() -> None:
    found = upward_imports(REPO / ROOT, LAYERS)
    assert not found, "\n".join(found)


def test_no_modules_of_generator_import_each_other_in_a_circle() -> None:
    found = cycles(REPO / ROOT)
    assert not found, "\n".join(found)


def test_each_layer_is_named_once_and_each_module_is_in_one_layer() -> None:
    names = [name for name, _ in LAYERS]
    assert len(set(names)) == len(names)
    placed = [module for _, modules_ in LAYERS for module in modules_]
    assert len(set(placed)) == len(placed)
    present = {name.split(".")[1] if "." in name else name for name in modules(REPO / ROOT)}
    assert set(placed) <= present, f"layers name modules that are gone: {set(placed) - present}"


def test_docs_architecture_lists_the_same_layers() -> None:
    text = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text[text.index("\n## Layers\n"):]
    section = section[:section.index("\n## ", 1)]
    rows = [line.split("|")[1:3] for line in section.splitlines()
            if line.startswith("| ") and not line.startswith(("| Layer ", "| ---"))]
    documented = []
    for name, cell in rows:
        names = re.findall(r"`([^`]+)`", re.sub(r"\([^)]*\)", "", cell))  # what is in parentheses is a note
        documented.append((name.strip(), frozenset(ROOT if n == "__init__" else n.rstrip("/") for n in names)))
    assert tuple(documented) == LAYERS


# -- the checks themselves, on a package made for them --------------------------------------------


@pytest.fixture
def package(tmp_path: Path) -> Path:
    root = tmp_path / "pkg"
    files = {
        "__init__.py": "",
        "low.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .high import Thing\n",
        "high.py": "from .low import x\n\n\ndef f():\n    from .sub.leaf import y\n",
        "sub/__init__.py": "from . import leaf\n",
        "sub/leaf.py": "import pkg.high\n",
        "stray.py": "",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


TOY_LAYERS = (("bottom", frozenset({"low"})), ("top", frozenset({"high", "sub", "pkg"})))


def test_an_import_from_above_is_named_with_its_line_even_under_type_checking(package: Path) -> None:
    assert upward_imports(package, TOY_LAYERS) == [
        "pkg/low.py:3: pkg.low (layer 'bottom') imports pkg.high (layer 'top', above it)"]


def test_a_circle_is_found_through_a_late_import_and_the_package_it_runs(package: Path) -> None:
    found = cycles(package)
    assert "pkg.high → pkg.sub → pkg.sub.leaf → pkg.high (pkg/high.py:5, pkg/sub/__init__.py:1, pkg/sub/leaf.py:1)" \
        in found
    assert any(c.startswith("pkg.high → pkg.low → pkg.high") for c in found), found


def test_a_module_in_no_layer_is_named(package: Path) -> None:
    [stray] = unplaced(package, TOY_LAYERS)
    assert stray.startswith("pkg/stray.py: pkg.stray is in no layer")
