"""Decide which user-facing notices to show now, so each problem is told once, not every keystroke."""

from __future__ import annotations

from dataclasses import dataclass, field

QUIET_SECONDS = 300.0
SEVERE_KINDS = ("config", "auth", "bad_request")  # provider error kinds the user must fix
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


@dataclass(frozen=True, slots=True)
class Status:
    """What the editor's status indicator shows: sent as the `fimLsp/status` notification."""

    kind: str  # "normal", "warning", "error" or "inactive"
    busy: bool
    message: str
    key_variable: str = ""  # the problem is a missing key, read from this variable


READY = Status("normal", False, "ready")
LOOKING = Status("normal", True, "looking for a provider")  # `auto` asks local servers


def status_after(kind: str, message: str, *, busy: bool, key_variable: str | None = None) -> Status:
    """The status a provider failure of `kind` calls for: an error when the user must act, else a warning."""
    severity = "error" if kind in SEVERE_KINDS else "warning"
    return Status(severity, busy, message, key_variable or "")
