"""Header synonyms in German, French, Spanish, Italian, Portuguese and Dutch, as a table."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest

from kpi_desktop.core.io.importer import import_file
from kpi_desktop.core.io.presets import BOT_STATS, guess_target, normalize_header
from kpi_desktop.core.io.synonyms import ENGLISH, LANGUAGES, LOCALISED
from kpi_desktop.core.schema import FIELD_NAMES

DERIVED = {"campaign_key", "source_id", "first_day", "last_day"}  # coverage: from dates
ENTRIES = [
    (field, language, header)
    for field, languages in LOCALISED.items()
    for language, headers in languages.items()
    for header in headers
]


def test_every_canonical_field_has_every_language() -> None:
    wanted = [f for f in FIELD_NAMES if f not in DERIVED]
    assert sorted(LOCALISED) == sorted(wanted)
    for field, languages in LOCALISED.items():
        assert sorted(languages) == sorted(LANGUAGES), field
        assert all(languages[lang] for lang in LANGUAGES), field


@pytest.mark.parametrize(("field", "language", "header"), ENTRIES)
def test_synonym_maps_to_its_field(field: str, language: str, header: str) -> None:
    assert normalize_header(header)[0] == header, "entries are stored normalised"
    shown = header.title()  # as a spreadsheet would write it
    assert guess_target(normalize_header(shown)[0]) == field, (language, shown)


def test_no_header_names_two_targets() -> None:
    targets: dict[str, set[str]] = defaultdict(set)
    for field, _language, header in ENTRIES:
        targets[header].add(field)
    for target, headers in ENGLISH.items():
        for header in headers:
            targets[header].add("currency" if target == "@currency" else target)
    for header, target in BOT_STATS.columns.items():
        if target:
            targets[header].add(target)
    clashes = {h: t for h, t in targets.items() if len(t) > 1}
    assert clashes == {}


FIELDS_PER_FILE = ("date", "campaign", "users", "spend", "visitors", "conversions")


@pytest.mark.parametrize("language", LANGUAGES)
def test_localised_tracker_imports_every_column(tmp_path: Path, language: str) -> None:
    """A hand-made sheet in one language: each header lands on its field, revenue included."""
    fields = (*FIELDS_PER_FILE, "conversion_value")
    headers = [LOCALISED[f][language][0].capitalize() for f in fields]
    path = tmp_path / f"tracker_{language}.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers)
        writer.writerow(["2025-03-03", "Spring", 10, 50.5, 30, 2, 120])
        writer.writerow(["2025-03-04", "Spring", 12, 40, 25, 1, 80])
    result = import_file(path)
    assert result.mapping == dict(zip(headers, fields, strict=True))
    assert result.facts["conversion_value"].sum() == 200
    assert result.facts["spend"].sum() == pytest.approx(90.5)


def test_umsatz_is_revenue(tmp_path: Path) -> None:
    path = tmp_path / "umsatz.csv"
    path.write_text("Datum;Kampagne;Sitzungen;Umsatz\n03.03.2025;Frühling;100;1.234,50\n", "utf-8")
    result = import_file(path)
    assert result.mapping["Umsatz"] == "conversion_value"
    assert result.facts["conversion_value"].iloc[0] == pytest.approx(1234.5)
