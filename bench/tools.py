"""The outside tools the loopback benchmark needs, installed on first use so that `make bench`
works on a fresh machine: wrk from Debian's packages, Prism from npm into bench/.node/."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
NODE_PREFIX = HERE / ".node"  # gitignored (bench/.gitignore)
PRISM_PACKAGE = "@stoplight/prism-cli"
# 5.14.2 is the newest Prism that runs on Node 18.20 / 20 / 22 (5.15 and later want Node 24);
# pinned so that every machine measures the same Prism.
PRISM_VERSION = "5.14.2"


class Unavailable(Exception):
    """A tool could not be found or installed; the message says why."""


def _run(cmd: list[str], *, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    print(f"  $ {' '.join(cmd)}", file=sys.stderr, flush=True)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)


def _apt_install(package: str) -> None:
    if shutil.which("apt-get") is None:
        raise Unavailable(f"{package} is missing and there is no apt-get to install it")
    prefix = [] if os.geteuid() == 0 else ["sudo", "-n"]
    env_cmd = [*prefix, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get"]
    done = _run([*env_cmd, "install", "-y", "-q", "--no-install-recommends", package])
    if done.returncode != 0:  # a fresh machine may have no package lists yet
        _run([*env_cmd, "update", "-q"])
        done = _run([*env_cmd, "install", "-y", "-q", "--no-install-recommends", package])
    if done.returncode != 0:
        raise Unavailable(f"apt-get install {package} failed: {done.stderr.strip()[-300:]}")


def wrk() -> str:
    """The wrk executable, installed with apt-get when missing."""
    found = shutil.which("wrk")
    if found is None:
        print("wrk is missing: installing it from Debian's packages", file=sys.stderr)
        _apt_install("wrk")
        found = shutil.which("wrk")
    if found is None:
        raise Unavailable("wrk is still missing after apt-get install wrk")
    return found


def wrk_version(path: str) -> str:
    done = subprocess.run([path, "--version"], capture_output=True, text=True, check=False)
    return (
        (done.stdout or done.stderr).splitlines()[0].strip()
        if (done.stdout or done.stderr)
        else "?"
    )


def prism() -> str:
    """Prism's executable in bench/.node/, installed there with npm when missing."""
    exe = NODE_PREFIX / "node_modules" / ".bin" / "prism"
    if exe.exists() and prism_version(str(exe)) == PRISM_VERSION:
        return str(exe)
    if shutil.which("npm") is None or shutil.which("node") is None:
        print("node / npm are missing: installing them from Debian's packages", file=sys.stderr)
        _apt_install("nodejs")
        if shutil.which("npm") is None:
            _apt_install("npm")
    npm = shutil.which("npm")
    if npm is None:
        raise Unavailable("npm is missing and could not be installed")
    print(f"installing {PRISM_PACKAGE}@{PRISM_VERSION} into {NODE_PREFIX}", file=sys.stderr)
    NODE_PREFIX.mkdir(exist_ok=True)
    done = _run(
        [
            npm,
            "install",
            "--prefix",
            str(NODE_PREFIX),
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
            f"{PRISM_PACKAGE}@{PRISM_VERSION}",
        ]
    )
    if done.returncode != 0 or not exe.exists():
        raise Unavailable(f"npm install {PRISM_PACKAGE} failed: {done.stderr.strip()[-300:]}")
    return str(exe)


def prism_version(path: str) -> str:
    try:
        done = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip()


def node_version() -> str:
    node = shutil.which("node")
    if node is None:
        return ""
    return subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip()
