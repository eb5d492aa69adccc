"""The one account type: what a mock knows of a credential it accepts, and what an auth
plug-in authenticates a request as."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Account:
    """A credential the mock accepts: its key, its secret (for signing schemes), what it has
    left (submits and money) and the tasks it may see."""

    key: str
    secret: str = ""
    quota: int | None = None
    used: int = 0
    money: float | None = None

    @property
    def remaining(self) -> int | None:
        return None if self.quota is None else max(self.quota - self.used, 0)
