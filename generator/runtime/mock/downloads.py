"""Downloading a caller's image URL, as a mock must: only from hosts it is allowed, within a
total deadline, reading no more than the limit plus one byte, and never following a redirect.

An allowed host is written ``host`` (its default ports only: 80 for http, 443 for https) or
``host:port`` (that port only); IPv6 addresses in brackets (``[::1]:8080``). A mock given
``127.0.0.1`` may not fetch from every service on the machine, another mock's admin API
included: each port has to be named.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from ..secrets import public_url

DEFAULT_PORTS = {"http": 80, "https": 443}
DEFAULT_DEADLINE = 10.0
READ_SECONDS = 2.0  # the longest one read may wait, so the deadline is kept to within it


class DownloadRefused(Exception):
    """A URL the mock will not or could not download; the message says why (no secrets: it
    names the URL's host, never its query)."""


class DownloadTooLarge(DownloadRefused):
    """The body passed the size limit."""


@dataclass(frozen=True)
class HostRule:
    host: str
    port: int | None  # None: the scheme's default port

    def matches(self, host: str, port: int, scheme: str) -> bool:
        wanted = DEFAULT_PORTS[scheme] if self.port is None else self.port
        return host == self.host and port == wanted


def parse_host_rule(text: str) -> HostRule:
    """``host``, ``host:port`` or ``[v6]:port`` as a rule; a bad one raises ``ValueError``."""
    parts = urlsplit(f"//{text.strip()}")
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"bad port in allowed host {text!r}") from None
    if not parts.hostname or parts.path or parts.query or parts.username:
        raise ValueError(f"not a host or host:port: {text!r}")
    return HostRule(parts.hostname.lower(), port)


class AllowedHosts:
    """The hosts (and ports) a mock may download caller-given URLs from."""

    def __init__(self, rules: Iterable[str | HostRule] = ()) -> None:
        self.rules = tuple(r if isinstance(r, HostRule) else parse_host_rule(r) for r in rules)

    def __bool__(self) -> bool:
        return bool(self.rules)

    def allows(self, url: str) -> bool:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in DEFAULT_PORTS or not parts.hostname:
            return False
        try:
            port = parts.port or DEFAULT_PORTS[scheme]
        except ValueError:
            return False
        host = parts.hostname.lower()
        return any(rule.matches(host, port, scheme) for rule in self.rules)


@contextmanager
def unlocked(lock: Any) -> Iterator[None]:
    """``lock`` (an RLock held once by this thread) released for the block, taken back after;
    a lock this thread does not hold is left alone."""
    try:
        lock.release()
    except RuntimeError:  # not held here
        yield
        return
    try:
        yield
    finally:
        lock.acquire()


def download(url: str, *, limit: int, deadline: float = DEFAULT_DEADLINE) -> bytes:
    """The body at ``url``: refused past ``limit`` bytes (reading stops at ``limit`` + 1),
    past ``deadline`` seconds in all (a server that trickles cannot hold it longer), on any
    answer but 200 (redirects are not followed)."""
    started, shown = time.monotonic(), public_url(url)
    timeout = httpx.Timeout(deadline, read=min(deadline, READ_SECONDS))
    try:
        with (
            httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as http,
            http.stream("GET", url) as response,
        ):
            _check_status(response)
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise DownloadTooLarge(f"{shown}: {declared} bytes, over {limit}")
            chunks, size = [], 0
            for chunk in response.iter_raw():  # as it arrives, so the deadline is checked
                size += len(chunk)
                if size > limit:
                    raise DownloadTooLarge(f"{shown}: over {limit} bytes")
                if time.monotonic() - started > deadline:
                    raise DownloadRefused(f"{shown}: not downloaded within {deadline:g} s")
                chunks.append(chunk)
            return b"".join(chunks)
    except httpx.TimeoutException:
        raise DownloadRefused(f"{shown}: not downloaded within {deadline:g} s") from None
    except httpx.HTTPError as exc:
        raise DownloadRefused(f"{shown}: {type(exc).__name__}") from None


def _check_status(response: httpx.Response) -> None:
    if response.is_redirect:
        raise DownloadRefused(f"{public_url(str(response.url))}: redirects are not followed")
    if response.status_code != 200:
        raise DownloadRefused(f"{public_url(str(response.url))}: HTTP {response.status_code}")
