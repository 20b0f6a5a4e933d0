"""Which requests the preview answers: those for its own address, from its own pages.

A page on another site can reach a server on loopback in two ways. With DNS
rebinding, it points a name of its own at 127.0.0.1: the browser then treats
the preview as that site, so the page may read drafts and embargoed incidents,
and the only trace is the attacker's name in the ``Host`` header. And any page
may open a WebSocket to 127.0.0.1, because browsers do not apply the
same-origin policy to WebSockets; it says where it comes from only in
``Origin``. So the preview answers a request only when its ``Host`` is one of
the preview's own addresses with the real port, and refuses any request whose
``Origin``, when there is one, is not the preview itself.
"""

from __future__ import annotations

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
DEFAULT_HTTP_PORT = 80


def url_host(host: str) -> str:
    """``host`` as written in a URL or a ``Host`` header: an IPv6 address in brackets."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def own_authorities(host: str, port: int) -> frozenset[str]:
    """The ``Host`` values the preview answers: each of its names with its port, lower case."""
    names = {url_host(name).lower() for name in (*LOOPBACK_NAMES, host)}
    authorities = {f"{name}:{port}" for name in names}
    if port == DEFAULT_HTTP_PORT:
        authorities |= names  # browsers leave the default port out of Host and Origin
    return frozenset(authorities)


def host_allowed(host: str | None, authorities: frozenset[str]) -> bool:
    """A missing ``Host`` (HTTP/1.0) is refused too: every browser sends one."""
    return host is not None and host.lower() in authorities


def origin_allowed(origin: str | None, authorities: frozenset[str]) -> bool:
    """No ``Origin`` (a non-browser client, or a plain navigation) or the preview's own http origin."""
    if origin is None:
        return True
    scheme, sep, authority = origin.lower().partition("://")
    return scheme == "http" and bool(sep) and authority in authorities
