"""What a served mock lets callers do to it, and where it listens: the options of
``generator.runtime.mock.serve`` that bound hostile input and guard the admin API.

- ``--admin-token TOKEN`` (or ``MOCK_ADMIN_TOKEN``): every ``/_mock/`` call must carry
  ``X-Mock-Admin-Token: TOKEN`` (401 otherwise), result files and example images excepted.
  Without one, a mock serves loopback only: it refuses to bind any other address.
- ``--max-pixels N``: the largest input image, in pixels, where the vendor states no limit.
- ``--read-timeout S``: a request body that stops arriving for S seconds is dropped.
- ``--download-seconds S``: the total time a caller-given image URL may take to download.
- ``--public-url URL``: the mock's own URLs (result files) start with this, when callers reach
  it through a proxy; by default they start with the address it listens on.

Ports are bound before any mock starts: one that is busy stops all of them, with one line that
names the vendor and the port.
"""

from __future__ import annotations

import argparse
import errno
import ipaddress
import math
import os
import socket
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from ..images import DEFAULT_MAX_PIXELS
from .asgi import DEFAULT_READ_TIMEOUT
from .downloads import DEFAULT_DEADLINE, parse_host_rule

ADMIN_TOKEN_ENV = "MOCK_ADMIN_TOKEN"


class OneLineParser(argparse.ArgumentParser):
    """A parser whose usage errors are one line (``--help`` still shows the usage)."""

    def error(self, message: str) -> Any:
        self.exit(2, f"{self.prog}: error: {message}\n")


def add_options(p: argparse.ArgumentParser) -> None:
    """The exposure options, on the serve command's parser."""
    p.add_argument(
        "--admin-token",
        default=os.environ.get(ADMIN_TOKEN_ENV) or None,
        help=f"required as X-Mock-Admin-Token on /_mock/ calls (default: ${ADMIN_TOKEN_ENV})",
    )
    p.add_argument(
        "--max-pixels",
        type=positive(int),
        default=DEFAULT_MAX_PIXELS,
        help=f"largest input image in pixels, where the vendor states none ({DEFAULT_MAX_PIXELS})",
    )
    p.add_argument(
        "--read-timeout",
        type=positive(float),
        default=DEFAULT_READ_TIMEOUT,
        help=f"seconds a request body may stall before it is dropped ({DEFAULT_READ_TIMEOUT:g})",
    )
    p.add_argument(
        "--download-seconds",
        type=positive(float),
        default=DEFAULT_DEADLINE,
        help=f"total seconds to download a caller's image URL ({DEFAULT_DEADLINE:g})",
    )
    p.add_argument("--public-url", default="", help="base of the mock's own URLs (result files)")


def check(p: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Refuse, as a one-line usage error, options that do not go together or do not parse."""
    for rule in args.allow_host:
        try:
            parse_host_rule(rule)
        except ValueError as exc:
            p.error(f"--allow-host: {exc}")
    if not 0 < args.port < 65536:
        p.error(f"--port {args.port} is not a port number (1-65535)")
    if args.public_url:
        parts = urlsplit(args.public_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            p.error(f"--public-url {args.public_url!r} is not an http(s) URL")
    if not args.admin_token and not is_loopback(args.host):
        p.error(
            f"refusing to serve on {args.host} without --admin-token (or ${ADMIN_TOKEN_ENV}): "
            "anyone who reaches the port could reset the mock or add credentials"
        )


def mock_options(args: argparse.Namespace) -> dict[str, Any]:
    """What the exposure options give ``VendorMock``."""
    return {
        "admin_token": args.admin_token,
        "max_pixels": args.max_pixels,
        "download_seconds": args.download_seconds,
    }


def app_options(args: argparse.Namespace, offset: int = 0) -> dict[str, Any]:
    """What they give the ASGI app (with several vendors, each its own port's public URL)."""
    public = args.public_url.rstrip("/")
    if public and offset:
        parts = urlsplit(public)
        port = (parts.port or (443 if parts.scheme == "https" else 80)) + offset
        public = f"{parts.scheme}://{parts.hostname}:{port}{parts.path}"
    return {"read_timeout": args.read_timeout, "public_url": public}


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def bind(host: str, port: int, vendor: str) -> socket.socket:
    """A listening socket on ``host``:``port`` for ``vendor``'s mock; a port that is busy (or
    not ours to take) exits with one line naming both."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        reason = "in use" if exc.errno == errno.EADDRINUSE else exc.strerror or type(exc).__name__
        raise SystemExit(
            f"mock {vendor}: cannot listen on {host}:{port} ({reason}); no mock was started"
        ) from None
    sock.set_inheritable(True)
    return sock


def positive(kind: type) -> Any:
    """An option's parser for a finite number more than 0."""
    return _number(kind, lambda value: value > 0, "more than 0")


def at_least_zero(kind: type) -> Any:
    """An option's parser for a finite number of at least 0."""
    return _number(kind, lambda value: value >= 0, "at least 0")


def _number(kind: type, fits: Callable[[Any], bool], bound: str) -> Any:
    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        # nan compares false with every bound, and inf is no count of seconds or megabytes
        # (``--max-image-mb inf`` could not even be turned into bytes)
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
        if not fits(value):
            raise argparse.ArgumentTypeError(f"{text!r} must be {bound}")
        return value

    return parse
