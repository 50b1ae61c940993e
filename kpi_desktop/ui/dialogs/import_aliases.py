"""Campaign-name pairs the import dialog offers to merge: the new files against the workspace."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kpi_desktop.core.io.merge import AliasSuggestion
    from kpi_desktop.core.io.result import ImportResult


@dataclass
class AliasCandidates:
    """Every source's campaign keys, and how to name keys and sources to the user."""

    sources: list[tuple[str, str, Any]] = field(default_factory=list)  # (id, role, keys)
    labels: dict[str, str] = field(default_factory=dict)  # source id -> label
    names: dict[str, str] = field(default_factory=dict)  # key -> campaign name
    new_ids: set[str] = field(default_factory=set)  # the files being imported

    def text(self, s: AliasSuggestion) -> str:
        """The check box text of a suggestion."""
        return (
            f"“{self.names.get(s.key, s.key)}” ({self.labels.get(s.sources[0], s.sources[0])}) is "
            f"“{self.names.get(s.canonical, s.canonical)}” "
            f"({self.labels.get(s.sources[1], s.sources[1])})"
        )


def alias_candidates(
    workspace: Any, ready: Sequence[ImportResult], replaced: Iterable[str | None]
) -> AliasCandidates:
    """The workspace's sources (less those being replaced) and the files read."""
    from kpi_desktop.core.io.presets import PRESET_LABELS, PRESET_ROLES

    out = AliasCandidates()
    left_out = set(replaced)
    facts = workspace.facts()
    for info in workspace.sources():
        if info.id in left_out:
            continue
        keys = facts.loc[facts["source_id"] == info.id, "campaign_key"]
        out.sources.append((info.id, PRESET_ROLES.get(info.platform, "other"), keys))
        out.labels[info.id] = PRESET_LABELS.get(info.platform) or info.file_name or info.id
    for result in ready:
        out.sources.append((result.source_id, result.role, result.facts["campaign_key"]))
        out.labels[result.source_id] = result.label or result.file_name
        out.new_ids.add(result.source_id)
        pairs = zip(result.facts["campaign_key"], result.facts["campaign"], strict=True)
        for key, name in pairs:
            out.names.setdefault(str(key), str(name))
    return out


def pick_suggestions(candidates: AliasCandidates, aliases: Any) -> list[AliasSuggestion]:
    """Suggestions that involve a new file and are not aliases yet, one target per name."""
    from kpi_desktop.core.io.merge import suggest_key_aliases

    chosen: dict[str, AliasSuggestion] = {}
    for s in suggest_key_aliases(candidates.sources):
        if not candidates.new_ids & set(s.sources) or s.key in aliases or s.key == s.canonical:
            continue
        best = chosen.get(s.key)
        # One target per name: prefer a target that is not itself being merged away.
        if best is None or (best.canonical in chosen and s.canonical not in chosen):
            chosen[s.key] = s
    # Chains (a -> b -> c) are left for the Campaigns tab.
    return [s for s in chosen.values() if s.canonical not in chosen]
