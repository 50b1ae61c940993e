"""The shape of a platform preset, shared by `presets` and `presets_ads`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

Role = Literal["ad", "web", "bot", "other"]
Kind = Literal["facts", "events"]


@dataclass(frozen=True)
class Preset:
    """One platform's export layout."""

    id: str
    label: str
    role: Role
    columns: Mapping[str, str | None]  # normalised header -> target; None = known, ignored
    signature: tuple[frozenset[str], ...]  # every group must have one header present
    kind: Kind = "facts"
    channel: str = ""  # channel of every row when the file has no channel column
    decimal: Literal["us", "eu"] | None = None
    required: str = ""  # target that a data row must have (DV360: its currency)
    blank_is_zero: frozenset[str] = frozenset()  # empty cells that mean 0 on data rows
    pseudo_campaigns: frozenset[str] = frozenset()
    #: Headers whose target counts only when no other header of the file names it
    #: (LinkedIn's `Leads` beside `Conversions`: the conversions win).
    weak: frozenset[str] = frozenset()

    def matches(self, headers: Sequence[str]) -> int:
        """How many headers this preset knows, or 0 when its signature is not met."""
        present = set(headers)
        if not all(group & present for group in self.signature):
            return 0
        return sum(1 for h in present if h in self.columns)


def cols(**groups: Sequence[str] | str | None) -> dict[str, str | None]:
    """Build a header map from `target=[headers…]` (use `_` for None and `at_` for roles)."""
    out: dict[str, str | None] = {}
    for target, headers in groups.items():
        name: str | None
        if target.startswith("ignore"):
            name = None
        elif target.startswith("at_"):
            name = "@" + target[3:]
        else:
            name = target
        for header in [headers] if isinstance(headers, str) else headers or ():
            out[header] = name
    return out
