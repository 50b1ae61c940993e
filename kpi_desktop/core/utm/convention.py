"""The workspace's naming convention for UTM values: normalising and checking them."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kpi_desktop.core.utm.params import PARAM_LABELS, PARAM_NAMES, UTM_KEYS

SPACE_CHOICES: dict[str, str | None] = {
    "_": "_",
    "-": "-",
    "keep": None,
}


@dataclass(frozen=True)
class NamingConvention:
    """The workspace's rules for UTM values; stored as JSON with `to_dict`/`from_dict`.

    Attributes:
        lowercase: lower-case every value.
        space_replacement: what a run of spaces becomes ("_", "-"); None keeps spaces.
        ascii_only: fold accents (`Été` -> `ete`); other non-ASCII letters stay.
        allowed_chars: body of a regex character class the value may contain after
            the changes above; the default `\\w.\\-` is letters and digits of any
            language, `_`, `.` and `-`; "" allows anything.
        max_length: longest value allowed; 0 means no limit.
        allowed_values: field name -> the only values that field may take.
        applies_to: which fields the convention is applied to.
    """

    lowercase: bool = True
    space_replacement: str | None = "_"
    ascii_only: bool = False
    allowed_chars: str = r"\w.\-"
    max_length: int = 100
    allowed_values: dict[str, tuple[str, ...]] = field(default_factory=dict)
    applies_to: tuple[str, ...] = PARAM_NAMES

    @classmethod
    def off(cls) -> NamingConvention:
        """A convention that changes and rejects nothing beyond trimming."""
        return cls(lowercase=False, space_replacement=None, allowed_chars="", max_length=0)

    def __post_init__(self) -> None:
        if self.space_replacement not in (None, "_", "-", ""):
            raise ValueError(f"space replacement must be _, - or none: {self.space_replacement!r}")
        if self.allowed_chars:
            try:
                re.compile(f"[{self.allowed_chars}]")
            except re.error as exc:
                raise ValueError(f"allowed characters are not a valid set: {exc}") from exc
        if self.max_length < 0:
            raise ValueError("maximum length cannot be negative")
        unknown = [k for k in (*self.allowed_values, *self.applies_to) if k not in UTM_KEYS]
        if unknown:
            raise ValueError(f"unknown UTM fields: {', '.join(unknown)}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "lowercase": self.lowercase,
            "space_replacement": self.space_replacement,
            "ascii_only": self.ascii_only,
            "allowed_chars": self.allowed_chars,
            "max_length": self.max_length,
            "allowed_values": {k: list(v) for k, v in self.allowed_values.items()},
            "applies_to": list(self.applies_to),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> NamingConvention:
        """From `to_dict` output (e.g. read back from JSON); missing keys take defaults."""
        default = cls()
        allowed = data.get("allowed_values") or {}
        return cls(
            lowercase=bool(data.get("lowercase", default.lowercase)),
            space_replacement=data.get("space_replacement", default.space_replacement),
            ascii_only=bool(data.get("ascii_only", default.ascii_only)),
            allowed_chars=str(data.get("allowed_chars", default.allowed_chars)),
            max_length=int(data.get("max_length", default.max_length) or 0),
            allowed_values={str(k): tuple(str(x) for x in v) for k, v in allowed.items() if v},
            applies_to=tuple(data.get("applies_to", default.applies_to)),
        )

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> NamingConvention:
        return cls.from_dict(json.loads(text))

    def normalize(self, name: str, value: str) -> tuple[str, list[str]]:
        """`value` with the convention's automatic changes, and the reasons for each."""
        reasons: list[str] = []
        if name not in self.applies_to:
            return value, reasons
        out = value
        if self.lowercase and out.lower() != out:
            out = out.lower()
            reasons.append("lower case")
        if self.ascii_only:
            folded = "".join(
                ch for ch in unicodedata.normalize("NFKD", out) if not unicodedata.combining(ch)
            )
            if folded != out:
                out = folded
                reasons.append("accents removed")
        if self.space_replacement is not None and re.search(r"\s", out):
            out = re.sub(r"\s+", self.space_replacement, out)
            shown = self.space_replacement or "nothing"
            reasons.append(f"spaces → {shown}")
        return out, reasons

    def check(self, name: str, value: str) -> str | None:
        """Why a normalised value breaks the convention, or None."""
        if name not in self.applies_to or not value:
            return None
        if self.allowed_chars:
            bad = sorted(set(re.sub(f"[{self.allowed_chars}]", "", value)))
            if bad:
                shown = " ".join("space" if ch == " " else ch for ch in bad)
                return f"Not allowed by the naming convention: {shown}"
        if self.max_length and len(value) > self.max_length:
            return f"Longer than {self.max_length} characters ({len(value)})"
        allowed = self.allowed_values.get(name)
        if allowed and value not in allowed:
            return (
                f"'{value}' is not an allowed {PARAM_LABELS[name].lower()} ({', '.join(allowed)})"
            )
        return None
