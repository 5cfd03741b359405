"""Decide which user-facing notices to show now, so each problem is told once, not every keystroke."""

from __future__ import annotations

from dataclasses import dataclass, field

QUIET_SECONDS = 300.0
MAX_KINDS = 256


@dataclass
class Notices:
    """Remembers when each kind of notice was last shown."""

    quiet_seconds: float = QUIET_SECONDS
    _shown: dict[str, float] = field(default_factory=dict)

    def should_show(self, kind: str, now: float) -> bool:
        """True if this kind of notice was not shown within the quiet period."""
        last = self._shown.get(kind)
        if last is not None and now - last < self.quiet_seconds:
            return False
        if len(self._shown) >= MAX_KINDS:
            self._shown.clear()
        self._shown[kind] = now
        return True

    def clear(self, kind: str) -> None:
        """Forget a kind once its problem is gone, so a relapse is told again."""
        self._shown.pop(kind, None)
