"""The sandbox every template of Docket's renders in: the theme's, a site's, an archetype.

A site's templates and archetypes come from whoever commits to its repository, so they
are code Docket did not write. Jinja's ``ImmutableSandboxedEnvironment`` keeps them from
Python: no attribute that starts with ``_``, no method that changes a list or a dict,
``str.format`` checked field by field. It does not keep them from hanging a build or
filling the memory, so ``BoundedSandbox`` adds bounds, each refused with a
``TemplateLimitError`` (a ``SecurityError``, so a template error naming the file and line):

- a value a template makes (``*``, ``+``, ``~``, ``%``, ``**``, ``str.format``, the
  string methods that pad or replace, and the filters ``format``, ``replace`` and
  ``join``) is checked *before* it is made, against ``max_chars``;
- everything a render joins (a page, a macro's output, a ``{% set %}`` block) likewise;
- ``range()`` gives at most ``max_range`` numbers;
- every ``{% for %}`` step and every call counts against ``max_steps``, and the
  render's own CPU time against ``seconds`` (checked every few steps).
"""

from __future__ import annotations

import operator
import re
import string
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from types import BuiltinMethodType, FunctionType
from typing import Any

from jinja2 import Template, nodes
from jinja2.compiler import CodeGenerator, Frame, optimizeconst
from jinja2.exceptions import SecurityError
from jinja2.filters import do_format, do_replace, make_attrgetter, sync_do_join
from jinja2.nodes import EvalContext
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import pass_eval_context
from jinja2.visitor import NodeTransformer


class TemplateLimitError(SecurityError):
    """A template went past one of the sandbox's bounds."""


@dataclass(frozen=True, slots=True)
class Limits:
    seconds: float  # CPU seconds of one render
    max_chars: int  # the longest text (or list) a render may make, its output included
    max_range: int  # the most numbers range() gives
    max_steps: int  # loop steps and calls in one render


# A page of the theme takes a few milliseconds and at most ~100,000 steps at 10,000 incidents
# (lists are paginated); its largest output is well under 1 MB. These leave a wide margin.
PAGE_LIMITS = Limits(seconds=10.0, max_chars=50_000_000, max_range=100_000, max_steps=5_000_000)
# An archetype is a few lines of front matter.
ARCHETYPE_LIMITS = Limits(seconds=2.0, max_chars=1_000_000, max_range=10_000, max_steps=1_000_000)

# Jinja's built-in filters that templates may use: the theme's own, and a few harmless
# text and list filters. Left out: those that make text of any size from a number
# (center, indent, wordwrap, batch, slice, tojson's indent), random (not reproducible),
# pprint, and urlize (not needed).
ALLOWED_FILTERS = frozenset({
    # the theme's
    "capitalize", "first", "forceescape", "format", "groupby", "join", "length", "list", "lower", "map",
    "max", "replace", "reverse", "selectattr", "sort", "trim",
    # harmless
    "abs", "count", "d", "default", "dictsort", "e", "escape", "float", "int", "items", "last", "min",
    "reject", "rejectattr", "round", "safe", "select", "string", "striptags", "sum", "title",
    "truncate", "unique", "upper", "urlencode", "wordcount",
})

_DIGITS = re.compile(r"\d+")
_PRINTF_SPEC = re.compile(r"%((?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?)")
_PADDING_METHODS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs"})
_local = threading.local()


@dataclass(slots=True)
class _Budget:
    limits: Limits
    deadline: float
    steps: int = 0

    def check(self) -> None:
        """Called every 1,024 steps: reading a thread's CPU clock is a system call, slow on a busy machine."""
        if self.steps > self.limits.max_steps:
            raise TemplateLimitError(f"the template took more than {self.limits.max_steps:,} steps "
                                     "(loop rounds and calls) for one page")
        if time.thread_time() > self.deadline:
            raise TemplateLimitError(f"the template ran for more than {self.limits.seconds:g} seconds "
                                     "on one page")


class _LoopGuard(NodeTransformer):
    """Wraps the iterable of every ``{% for %}`` so that each step counts against the budget."""

    def visit_For(self, node: nodes.For) -> nodes.Node:  # noqa: N802 - Jinja's visitor naming
        self.generic_visit(node)
        node.iter = nodes.Call(nodes.EnvironmentAttribute("guard_loop"), [node.iter], [], None, None,
                               lineno=node.lineno)
        return node



class _Generator(CodeGenerator):
    """Jinja's code generator, with ``a ~ b`` joined by ``BoundedSandbox.guard_concat``."""

    @optimizeconst
    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:  # noqa: N802 - Jinja's visitor naming
        if frame.eval_ctx.volatile:
            join = "(markup_join if context.eval_ctx.volatile else str_join)"
        elif frame.eval_ctx.autoescape:
            join = "markup_join"
        else:
            join = "str_join"
        self.write(f"environment.guard_concat({join}, (")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class _BoundedTemplate(Template):
    def render(self, *args: Any, **kwargs: Any) -> str:
        env = self.environment
        assert isinstance(env, BoundedSandbox)
        with env.budget():
            return super().render(*args, **kwargs)


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """An immutable sandbox whose renders are bounded in time, steps and size (see the module)."""

    intercepted_binops = frozenset({"*", "+", "%", "**"})
    template_class = _BoundedTemplate
    code_generator_class = _Generator

    def __init__(self, limits: Limits, **options: Any) -> None:
        super().__init__(**options)
        self.limits = limits
        self._safe: dict[tuple[type, str], bool] = {}
        self.filters = {name: f for name, f in self.filters.items() if name in ALLOWED_FILTERS}
        self.filters.update(format=self._format_filter, replace=self._replace_filter, join=self._join_filter)
        for name in ("lipsum", "cycler", "joiner"):  # gadgets no template needs
            self.globals.pop(name, None)
        self.globals["range"] = self._range

    # -- the budget of one render -------------------------------------------------------

    class _Scope:
        def __init__(self, env: BoundedSandbox) -> None:
            self.env, self.outer = env, None

        def __enter__(self) -> None:
            self.outer = getattr(_local, "budget", None)
            if self.outer is None:  # an include or import renders within its page's budget
                limits = self.env.limits
                _local.budget = _Budget(limits, time.thread_time() + limits.seconds)

        def __exit__(self, *exc: object) -> None:
            if self.outer is None:
                _local.budget = None

    def budget(self) -> BoundedSandbox._Scope:
        return BoundedSandbox._Scope(self)

    def _step(self) -> None:
        budget: _Budget | None = getattr(_local, "budget", None)
        if budget is not None:
            budget.steps += 1
            if budget.steps & 0x3FF == 0:
                budget.check()

    def guard_loop(self, iterable: Iterable[Any]) -> Iterator[Any]:
        budget: _Budget | None = getattr(_local, "budget", None)
        if budget is None:
            yield from iterable
            return
        for item in iterable:
            budget.steps += 1
            if budget.steps & 0x3FF == 0:
                budget.check()
            yield item

    def getattr(self, obj: Any, attribute: str) -> Any:
        """Jinja's sandboxed ``getattr``, with its verdict remembered by type and name.

        Whether an attribute is safe depends only on the object's type and the name
        (``is_internal_attribute`` and ``modifies_known_mutable`` test nothing else); the
        theme reads hundreds of thousands of attributes a build, so the verdict is kept.
        """
        if attribute in ("format", "format_map"):
            return super().getattr(obj, attribute)  # str.format is wrapped by the sandbox
        try:
            value = getattr(obj, attribute)
        except AttributeError:
            return super().getattr(obj, attribute)  # an item, or undefined
        key = (type(obj), attribute)
        safe = self._safe.get(key)
        if safe is None:
            safe = self._safe[key] = self.is_safe_attribute(obj, attribute, value)
        return value if safe else self.unsafe_undefined(obj, attribute)

    def _too_long(self, size: int) -> None:
        if size > self.limits.max_chars:
            raise TemplateLimitError(f"the text or list made would be too long ({size:,} characters or items; "
                                     f"at most {self.limits.max_chars:,})")

    def guard_concat(self, join: Callable[[Iterable[Any]], str], parts: tuple[Any, ...]) -> str:
        """``a ~ b``, whose join is Jinja's runtime's, out of the environment's reach: its size first."""
        self._too_long(sum(len(p) if isinstance(p, str) else len(str(p)) for p in parts))
        return join(parts)

    def concat(self, parts: Iterable[str]) -> str:
        """Every join a render makes: the page, a macro's output, a ``{% set %}`` block."""
        texts = parts if isinstance(parts, list) else list(parts)
        self._too_long(sum(map(len, texts)))
        return "".join(texts)

    def _range(self, *args: int) -> range:
        numbers = range(*args)
        if len(numbers) > self.limits.max_range:
            raise TemplateLimitError(f"range() may give at most {self.limits.max_range:,} numbers, "
                                     f"not {len(numbers):,}")
        return numbers

    # -- values made before they are made --------------------------------------------------

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(n, int):
                    self._too_long(len(seq) * max(n, 0))
            if isinstance(left, int) and isinstance(right, int):
                _check_bits(left.bit_length() + right.bit_length())
        elif operator == "+" and isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)):
            self._too_long(len(left) + len(right))
        elif operator == "**" and isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and right > 0:
            _check_bits(left.bit_length() * right)
        elif operator == "%" and isinstance(left, str):
            self._check_format(left, right if isinstance(right, tuple) else (right,))
        return _BINOPS[operator](left, right)

    def _check_format(self, text: str, args: Iterable[Any], braces: bool = False) -> None:
        """A width or precision in a format string (or given as an argument) cannot exceed the size bound."""
        specs = _format_specs(text) if braces else [m.group(1) for m in _PRINTF_SPEC.finditer(text)]
        widths = [int(n) if len(n) < 12 else self.limits.max_chars + 1
                  for spec in specs for n in _DIGITS.findall(spec)]
        if any(("{" if braces else "*") in spec for spec in specs):  # a width given as an argument
            widths += [a for a in args if type(a) is int]
        self._too_long(len(text) + max([0, *widths]))

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        __self._step()
        kind = type(__obj)
        if kind is BuiltinMethodType and isinstance(__obj.__self__, str):
            owner, name = __obj.__self__, __obj.__name__
            if name in _PADDING_METHODS:
                widths = [a for a in (*args, *kwargs.values()) if isinstance(a, int)]
                __self._too_long(max([len(owner), *widths]) * (8 if name == "expandtabs" else 1))
            elif name == "replace" and len(args) >= 2:
                __self._check_replace(owner, args[0], args[1])
            elif name == "join" and args:
                args = (__self._check_join(owner, args[0]), *args[1:])
        elif kind is FunctionType and __obj.__name__ in ("format", "format_map") and hasattr(__obj, "__wrapped__"):
            wrapped_owner = getattr(__obj.__wrapped__, "__self__", None)
            if isinstance(wrapped_owner, str):  # str.format, as the sandbox wraps it
                __self._check_format(wrapped_owner, (*args, *kwargs.values()), braces=True)
        if not __self.is_safe_callable(__obj):  # as SandboxedEnvironment.call, one frame fewer
            raise SecurityError(f"{__obj!r} is not safely callable")
        return __context.call(__obj, *args, **kwargs)

    def _check_replace(self, text: Any, old: Any, new: Any) -> None:
        text, old, new = str(text), str(old), str(new)
        times = text.count(old) if old else len(text) + 1
        self._too_long(len(text) + times * max(len(new) - len(old), 0))

    def _check_join(self, separator: str, items: Iterable[Any]) -> list[Any]:
        items = list(items)
        self._too_long(sum(len(x) if isinstance(x, str) else 0 for x in items) + len(separator) * len(items))
        return items

    # -- the filters that could make a long text ---------------------------------------------

    def _format_filter(self, value: str, *args: Any, **kwargs: Any) -> str:
        self._check_format(str(value), (*args, *kwargs.values()))
        return do_format(value, *args, **kwargs)

    @pass_eval_context
    def _replace_filter(self, eval_ctx: EvalContext, s: str, old: str, new: str, count: int | None = None) -> str:
        self._check_replace(s, old, new)
        return do_replace(eval_ctx, s, old, new, count)

    @pass_eval_context
    def _join_filter(self, eval_ctx: EvalContext, value: Iterable[Any], d: str = "",
                     attribute: str | int | None = None) -> str:
        if attribute is not None:
            value = map(make_attrgetter(self, attribute), value)
        items = self._check_join(str(d), value)
        return sync_do_join(eval_ctx, items, d)

    # -- compiling -------------------------------------------------------------------------

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        guarded = _LoopGuard().visit(tree)
        assert isinstance(guarded, nodes.Template)
        return guarded


def _format_specs(text: str) -> list[str]:
    try:
        return [spec or "" for _, _, spec, _ in string.Formatter().parse(text)]
    except ValueError:
        return []  # str.format refuses it itself


_MAX_BITS = 100_000  # an integer of about 30,000 digits


def _check_bits(bits: int) -> None:
    if bits > _MAX_BITS:
        raise TemplateLimitError(f"the number made would be too large (about {bits:,} bits; at most {_MAX_BITS:,})")


_BINOPS: dict[str, Callable[[Any, Any], Any]] = {"*": operator.mul, "+": operator.add, "%": operator.mod,
                                                  "**": operator.pow}
