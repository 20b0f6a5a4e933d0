"""One page to render: its site path, template, title and typed context, and what that context is made from.

A planner either gives the context itself (``PageJob(path, template, title, context)``) or
declares the page's dependencies and how to make the context from them
(``PageJob.lazy(path, template, title, deps, make)``). ``deps`` is a small value (content
items, which the fingerprint hashes by their digest, rendered bodies, links, slices of
lists, counts) from which ``make()`` builds the context; the build compares its digest with
the last build's and, when it is the same, neither makes the context nor renders the page.
So a page kind that declares nothing still works: its whole context is fingerprinted, as
before. Tests run with ``DOCKET_VERIFY_DEPS=1``, which makes and fingerprints every context
all the same and fails the build when a page's declared dependencies missed a change
(``produce.DependencyMissed``), so a dependency left out is found, not published stale.
"""

from __future__ import annotations

from collections.abc import Callable

from .contexts import Context


class PageJob:
    __slots__ = ("_context", "_make", "deps", "path", "template", "title")

    def __init__(self, path: str, template: str, title: str, context: Context | None = None, *,
                 deps: object = None, make: Callable[[], Context] | None = None) -> None:
        if (context is None) == (make is None):
            raise ValueError("a page job needs a context or a way to make one, not both")
        self.path = path  # site path: "" for home, "incidents/x/", "404.html"
        self.template = template
        self.title = title
        # What the context is made from, or None: then the context itself is what is compared.
        self.deps = deps
        self._context = context
        self._make = make

    @classmethod
    def lazy(cls, path: str, template: str, title: str, deps: object, make: Callable[[], Context]) -> PageJob:
        """A page whose context ``make()`` builds from ``deps`` alone, only when the page must be rendered."""
        return cls(path, template, title, deps=deps, make=make)

    @property
    def context(self) -> Context:
        if self._context is None:
            assert self._make is not None
            self._context = self._make()
            self._make = None
        return self._context

    @property
    def made(self) -> bool:
        """Whether the context exists yet (a lazy page's is made only when something asks for it)."""
        return self._context is not None

    def __repr__(self) -> str:
        return f"PageJob({self.path!r}, {self.template!r}, {self.title!r})"
