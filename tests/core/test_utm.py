"""UTM building, parsing, validation, convention, bulk, drift and links-vs-data (DESIGN 6)."""

from __future__ import annotations

import json
import string

import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kpi_desktop.core.utm import (
    ERRORS_COLUMN,
    PARAM_NAMES,
    PRESETS,
    TAGGED_COLUMN,
    LinkRecord,
    LinkStore,
    MemoryLinkStore,
    NamingConvention,
    Preset,
    UtmParams,
    build_url,
    bulk_build,
    drift_key,
    encode_value,
    find_naming_drift,
    links_frame,
    links_vs_data,
    looks_tagged,
    parse_url,
    presets_from_json,
    presets_to_json,
    qr_bytes,
    read_links_table,
    search_links,
    validate_url,
    write_links_table,
)

TAGS = "utm_source=bot&utm_medium=chatbot&utm_campaign=spring"
BASIC = UtmParams(source="bot", medium="chatbot", campaign="spring")

# (base URL, tagged URL with BASIC): every kind of existing query and fragment
BUILD_CASES = [
    ("https://example.com", f"https://example.com?{TAGS}"),
    ("https://example.com/", f"https://example.com/?{TAGS}"),
    ("http://example.com/a/b.html", f"http://example.com/a/b.html?{TAGS}"),
    ("https://example.com/?a=1&b=2", f"https://example.com/?a=1&b=2&{TAGS}"),
    ("https://example.com/?b=2&a=1", f"https://example.com/?b=2&a=1&{TAGS}"),
    ("https://example.com/?flag", f"https://example.com/?flag&{TAGS}"),
    ("https://example.com/?flag&x=", f"https://example.com/?flag&x=&{TAGS}"),
    ("https://example.com/?/path/odd", f"https://example.com/?/path/odd&{TAGS}"),
    ("https://example.com/?a=1&a=2", f"https://example.com/?a=1&a=2&{TAGS}"),
    ("https://example.com/?q=a%20b+c", f"https://example.com/?q=a%20b+c&{TAGS}"),
    ("https://example.com/?a=1&", f"https://example.com/?a=1&&{TAGS}"),
    ("https://example.com/?k[]=1;x", f"https://example.com/?k[]=1;x&{TAGS}"),
    ("https://example.com/#top", f"https://example.com/?{TAGS}#top"),
    ("https://example.com/#", f"https://example.com/?{TAGS}#"),
    ("https://example.com/#/route?tab=1", f"https://example.com/?{TAGS}#/route?tab=1"),
    ("https://example.com/?a=1#/r?x=1&y#z", f"https://example.com/?a=1&{TAGS}#/r?x=1&y#z"),
    ("https://example.com/app#!/shop", f"https://example.com/app?{TAGS}#!/shop"),
    ("HTTPS://Example.COM/Path", f"HTTPS://Example.COM/Path?{TAGS}"),
    ("https://user@example.com:8443/x", f"https://user@example.com:8443/x?{TAGS}"),
    ("http://[::1]:8080/", f"http://[::1]:8080/?{TAGS}"),
    ("https://bücher.de/straße?q=ü", f"https://bücher.de/straße?q=ü&{TAGS}"),
    ("https://例え.jp/パス", f"https://例え.jp/パス?{TAGS}"),
    ("  https://example.com/x  ", f"https://example.com/x?{TAGS}"),
    # existing utm_ keys are replaced wherever they are, in any case or encoding
    ("https://example.com/?utm_source=old", f"https://example.com/?{TAGS}"),
    ("https://example.com/?a=1&utm_source=old&b=2", f"https://example.com/?a=1&b=2&{TAGS}"),
    ("https://example.com/?UTM_Medium=x&utm%5Fterm=y", f"https://example.com/?{TAGS}"),
    ("https://example.com/?utm_term", f"https://example.com/?{TAGS}"),
    ("https://example.com/?utm_other=keep", f"https://example.com/?utm_other=keep&{TAGS}"),
    (
        "https://example.com/?utm_source=a#/r?utm_source=b",
        f"https://example.com/?{TAGS}#/r?utm_source=b",
    ),
]


@pytest.mark.parametrize(("base", "expected"), BUILD_CASES)
def test_build_keeps_existing_url_exactly(base: str, expected: str) -> None:
    result = build_url(base, BASIC)
    assert result.errors == {}
    assert result.ok
    assert result.url == expected


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        ("spring sale", "spring%20sale"),
        ("a+b", "a%2Bb"),
        ("50%", "50%25"),
        ("a&b=c", "a%26b%3Dc"),
        ("#1?", "%231%3F"),
        ("été", "%C3%A9t%C3%A9"),
        ("日本", "%E6%97%A5%E6%9C%AC"),
        ("emoji🙂", "emoji%F0%9F%99%82"),
        ("a/b", "a%2Fb"),
        ("keep-._~", "keep-._~"),
    ],
)
def test_values_are_percent_encoded_once(value: str, encoded: str) -> None:
    assert encode_value(value) == encoded
    url = build_url("https://x.org/", UtmParams("s", "m", value)).url
    assert url == f"https://x.org/?utm_source=s&utm_medium=m&utm_campaign={encoded}"
    assert parse_url(url)[1].campaign == value


def test_rebuilding_a_parsed_url_does_not_double_encode() -> None:
    tagged = build_url("https://x.org/?q=1", UtmParams("s", "m", "spring sale 50%")).url
    base, params = parse_url(tagged)
    assert build_url(base, params).url == tagged
    assert "%2520" not in tagged


def test_all_nine_parameters_in_canonical_order() -> None:
    params = UtmParams(**{name: name.upper() for name in PARAM_NAMES})
    url = build_url("https://x.org/", params).url
    keys = [item.split("=")[0] for item in url.split("?")[1].split("&")]
    assert keys == [
        "utm_source",
        "utm_medium",
        "utm_campaign",
        "utm_id",
        "utm_term",
        "utm_content",
        "utm_source_platform",
        "utm_creative_format",
        "utm_marketing_tactic",
    ]


def test_values_are_trimmed_and_empty_ones_left_out() -> None:
    result = build_url("https://x.org/", UtmParams("  s ", "\tm", "c\n", term="   "))
    assert result.url == "https://x.org/?utm_source=s&utm_medium=m&utm_campaign=c"
    assert result.params.source == "s"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("javascript:alert(1)", "Only http and https"),
        ("JavaScript:alert(1)", "Only http and https"),
        ("data:text/html,<b>x</b>", "Only http and https"),
        ("ftp://example.com/file", "Only http and https"),
        ("mailto:a@example.com", "Only http and https"),
        ("example.com/page", "must start with https://"),
        ("//example.com/page", "must start with https://"),
        ("", "Enter the address"),
        ("   ", "Enter the address"),
        ("https://", "no host"),
        ("https:///path", "no host"),
        ("https://?q=1", "no host"),
        ("https://#x", "no host"),
        ("https:example.com", "no host"),
        ("http:/example.com", "no host"),
        ("https://user@/x", "no host"),
        ("https://exa mple.com/", "space at position 12"),
        ("https://example.com /x", "space"),
        ("https://example.com/a b", "space"),
        ("https://exam\tple.com", "space"),
        ("https://exa<mple.com", "invalid characters: <"),
        ("https://exa\\mple.com", "invalid characters"),
        ("https://example..com", "empty part"),
        ("https://example.com:http/", "port"),
        ("https://example.com:99999/", "port"),
        ("https://[zz]/", "IPv6"),
    ],
)
def test_rejected_urls(url: str, reason: str) -> None:
    problem = validate_url(url)
    assert problem is not None
    assert reason in problem
    result = build_url(url, BASIC)
    assert result.url == ""
    assert not result.ok
    assert reason in result.errors["url"]


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com",
        "http://localhost:8000/x",
        "https://a.b.c.d/",
        "https://xn--bcher-kva.de",
    ],
)
def test_accepted_urls(url: str) -> None:
    assert validate_url(url) is None


@pytest.mark.parametrize("missing", ["source", "medium", "campaign"])
def test_required_parameters(missing: str) -> None:
    params = UtmParams.from_dict({**BASIC.to_dict(), missing: " "})
    result = build_url("https://x.org/", params)
    assert not result.ok
    assert "required" in result.errors[missing]
    assert result.url.startswith("https://x.org/?")  # the preview still shows the rest


def test_control_characters_in_values_are_rejected() -> None:
    result = build_url("https://x.org/", UtmParams("s", "m", "a\x00b"))
    assert "control character" in result.errors["campaign"]


def test_already_encoded_value_warns() -> None:
    result = build_url("https://x.org/", UtmParams("s", "m", "spring%20sale"))
    assert result.ok
    assert "%2520" in result.warnings["campaign"]


# -- parsing ---------------------------------------------------------------------------

PARSE_CASES = [
    ("https://x.org/", "https://x.org/", {}),
    ("https://x.org/?utm_source=fb", "https://x.org/", {"source": "fb"}),
    (
        "https://x.org/?a=1&utm_source=fb&flag&utm_campaign=spring+sale#/r?tab=1",
        "https://x.org/?a=1&flag#/r?tab=1",
        {"source": "fb", "campaign": "spring sale"},
    ),
    ("https://x.org/?utm_campaign=a%20b%2Bc", "https://x.org/", {"campaign": "a b+c"}),
    ("https://x.org/?utm_source=a&utm_source=b", "https://x.org/", {"source": "a"}),
    ("https://x.org/?UTM_SOURCE=A", "https://x.org/", {"source": "A"}),
    ("https://x.org/?utm_term", "https://x.org/", {}),
    ("https://x.org/?utm_other=1", "https://x.org/?utm_other=1", {}),
    ("https://x.org/?", "https://x.org/?", {}),
    ("https://x.org/#/r?utm_source=x", "https://x.org/#/r?utm_source=x", {}),
    ("https://x.org/?utm_campaign=%C3%A9t%C3%A9", "https://x.org/", {"campaign": "été"}),
    ("https://x.org/?utm_source_platform=dv360", "https://x.org/", {"source_platform": "dv360"}),
]


@pytest.mark.parametrize(("url", "base", "values"), PARSE_CASES)
def test_parse(url: str, base: str, values: dict[str, str]) -> None:
    got_base, params = parse_url(url)
    assert got_base == base
    assert params == UtmParams(**values)
    assert looks_tagged(url) == bool(values)


# -- round trips (property tests) ------------------------------------------------------

_label = st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=8)
_host = st.one_of(
    st.lists(_label, min_size=1, max_size=3).map(".".join),
    st.sampled_from(["bücher.de", "例え.jp", "localhost", "[::1]", "xn--bcher-kva.de"]),
)
_url_char = st.characters(
    blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp"), blacklist_characters="#?&"
)
_path = st.text(_url_char, max_size=12).map(lambda s: "/" + s.replace(" ", ""))
_query_key = st.text(_url_char.filter(lambda c: c != "="), max_size=6).filter(
    lambda k: not k.lower().startswith(("utm", "%75"))
)
_query_item = st.one_of(
    _query_key,  # a valueless flag, or an odd key such as "/path"
    st.tuples(_query_key, st.text(_url_char, max_size=6)).map("=".join),
)
_query = st.lists(_query_item, min_size=1, max_size=4).map("&".join).filter(bool)
_fragment_char = st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp"))
_fragment = st.text(_fragment_char, max_size=15)


@st.composite
def base_urls(draw: st.DrawFn) -> str:
    url = draw(st.sampled_from(["http", "https", "HTTPS"])) + "://" + draw(_host)
    if draw(st.booleans()):
        url += ":" + str(draw(st.integers(0, 65535)))
    url += draw(_path)
    if draw(st.booleans()):
        url += "?" + draw(_query)
    if draw(st.booleans()):
        url += "#" + draw(_fragment)
    return url


_value = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=20)
utm_params = st.builds(UtmParams, **dict.fromkeys(PARAM_NAMES, _value))


@settings(max_examples=300, deadline=None)
@given(base=base_urls(), params=utm_params)
@example(base="https://x.org/?a=1&#/r?tab=1", params=UtmParams("a b", "+", "%20"))
def test_parse_build_round_trip(base: str, params: UtmParams) -> None:
    assert validate_url(base) is None
    result = build_url(base, params)
    assert result.url
    assert parse_url(result.url) == (base, params.stripped())


@settings(max_examples=200, deadline=None)
@given(base=base_urls(), first=utm_params, second=utm_params)
def test_retagging_replaces_old_values(base: str, first: UtmParams, second: UtmParams) -> None:
    tagged_twice = build_url(build_url(base, first).url, second).url
    assert tagged_twice == build_url(base, second).url


@settings(max_examples=200, deadline=None)
@given(base=base_urls(), params=utm_params)
def test_build_keeps_prefix_and_fragment(base: str, params: UtmParams) -> None:
    url = build_url(base, params).url
    fragment = base.split("#", 1)[1] if "#" in base else None
    if fragment is not None:
        assert url.endswith("#" + fragment)
    assert url.startswith(base.split("#", 1)[0])


# -- naming convention -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("convention", "value", "after", "error"),
    [
        (NamingConvention(), "Spring Sale", "spring_sale", None),
        (NamingConvention(), "  Spring   Sale ", "spring_sale", None),
        (NamingConvention(space_replacement="-"), "Spring Sale", "spring-sale", None),
        (NamingConvention(lowercase=False), "Spring Sale", "Spring_Sale", None),
        (NamingConvention(), "Été 2026", "été_2026", None),
        (NamingConvention(ascii_only=True), "Été 2026", "ete_2026", None),
        (NamingConvention(), "sale!", "sale!", "Not allowed by the naming convention: !"),
        (NamingConvention(allowed_chars="a-z"), "sale2", "sale2", "Not allowed"),
        (NamingConvention(max_length=5), "spring", "spring", "Longer than 5"),
        (NamingConvention.off(), "Spring Sale!", "Spring Sale!", None),
    ],
)
def test_convention_applies_and_explains(
    convention: NamingConvention, value: str, after: str, error: str | None
) -> None:
    result = build_url("https://x.org/", UtmParams("s", "m", value), convention)
    assert result.params.campaign == after
    if error is None:
        assert "campaign" not in result.errors
    else:
        assert error in result.errors["campaign"]
    changed = [c for c in result.changes if c.field == "campaign"]
    if after != value.strip():
        assert changed
        assert changed[0].before == value.strip()
        assert changed[0].after == after
        assert "Campaign:" in changed[0].describe()
    else:
        assert not changed


def test_allowed_values_per_parameter() -> None:
    convention = NamingConvention(allowed_values={"medium": ("chatbot", "email")})
    assert build_url("https://x.org/", UtmParams("s", "Chatbot", "c"), convention).ok
    bad = build_url("https://x.org/", UtmParams("s", "social", "c"), convention)
    assert "chatbot, email" in bad.errors["medium"]


def test_convention_only_for_chosen_fields() -> None:
    convention = NamingConvention(applies_to=("source", "medium"))
    result = build_url("https://x.org/", UtmParams("FB", "Chat", "Spring Sale!"), convention)
    assert result.params == UtmParams("fb", "chat", "Spring Sale!")
    assert result.ok


def test_convention_json_round_trip() -> None:
    convention = NamingConvention(
        lowercase=False,
        space_replacement="-",
        ascii_only=True,
        allowed_chars="a-z0-9-",
        max_length=40,
        allowed_values={"medium": ("chatbot", "email")},
        applies_to=("source", "medium", "campaign"),
    )
    text = json.dumps(convention.to_dict())
    assert NamingConvention.from_dict(json.loads(text)) == convention
    assert NamingConvention.from_json(convention.to_json()) == convention
    assert NamingConvention.from_dict({}) == NamingConvention()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"space_replacement": "+"}, "space replacement"),
        ({"allowed_chars": "z-a"}, "not a valid set"),
        ({"max_length": -1}, "negative"),
        ({"allowed_values": {"nope": ["x"]}}, "unknown UTM fields: nope"),
    ],
)
def test_invalid_convention_is_refused(data: dict[str, object], reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        NamingConvention.from_dict(data)


# -- presets, history, store -----------------------------------------------------------


def test_presets_cover_the_channels_and_round_trip() -> None:
    names = {p.name for p in PRESETS}
    assert {"Messenger", "Instagram", "WhatsApp", "DV360 display", "Email", "QR / print"} <= names
    assert presets_from_json(presets_to_json(PRESETS)) == list(PRESETS)
    messenger = next(p for p in PRESETS if p.name == "Messenger")
    applied = messenger.apply(UtmParams(source="x", campaign="spring"))
    assert (applied.source, applied.medium, applied.campaign) == ("messenger", "chatbot", "spring")
    for preset in PRESETS:
        assert not NamingConvention().check("source", preset.params.source)


def test_memory_store_is_a_link_store() -> None:
    store = MemoryLinkStore(
        facts=pd.DataFrame({"campaign": ["Autumn Sale", "Autumn Sale", None]}), campaigns=["X"]
    )
    assert isinstance(store, LinkStore)
    assert store.campaign_names() == ["X", "Autumn Sale"]
    store.save_presets([Preset("Mine", UtmParams(source="a"))])
    assert [p.name for p in store.presets()] == ["Mine"]
    store.add_alias("source", "fb", "facebook")
    assert store.aliases() == {"source": {"fb": "facebook"}}


def test_link_record_round_trip_and_search() -> None:
    result = build_url("https://x.org/", UtmParams("messenger", "chatbot", "autumn_sale"))
    record = LinkRecord.from_result("https://x.org/", result, label="Quiz button")
    assert LinkRecord.from_dict(record.to_dict()) == record
    other = LinkRecord.from_result(
        "https://x.org/", build_url("https://x.org/", UtmParams("ig", "chatbot", "style")), "B"
    )
    assert search_links([record, other], "quiz") == [record]
    assert search_links([record, other], "CHATBOT autumn") == [record]
    assert search_links([record, other], "") == [record, other]
    frame = links_frame([record, other])
    assert list(frame["label"]) == ["Quiz button", "B"]


# -- bulk ------------------------------------------------------------------------------


def _bulk_input() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Landing page": ["https://x.org/a", "javascript:alert(1)", "https://x.org/b?x=1", None],
            "utm_source": ["Messenger", "fb", "", "ig"],
            "Medium": ["chatbot", "chatbot", "chatbot", "chatbot"],
            "utm_campaign": ["Autumn Sale", "x", "y", "z"],
            "Label": ["one", "two", "three", "four"],
            "ignored": [1, 2, 3, 4],
        }
    )


def test_bulk_build_fills_urls_and_cell_errors() -> None:
    out = bulk_build(_bulk_input(), NamingConvention())
    assert out[TAGGED_COLUMN].iloc[0] == (
        "https://x.org/a?utm_source=messenger&utm_medium=chatbot&utm_campaign=autumn_sale"
    )
    assert out[TAGGED_COLUMN].iloc[1] == ""
    assert set(out[ERRORS_COLUMN].iloc[1]) == {"url"}
    assert set(out[ERRORS_COLUMN].iloc[2]) == {"source"}
    assert "Enter the address" in out[ERRORS_COLUMN].iloc[3]["url"]  # a blank URL cell
    assert out[ERRORS_COLUMN].iloc[0] == {}
    assert "ignored" not in out.columns


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_bulk_table_round_trips_files(tmp_path, suffix: str) -> None:
    frame = bulk_build(_bulk_input())
    frame.loc[0, "content"] = "=HYPERLINK(1)"  # never becomes a formula
    frame.loc[1, "term"] = "été 日本"
    path = tmp_path / f"links{suffix}"
    write_links_table(frame, path)
    back = read_links_table(path)
    expected = frame.drop(columns=[TAGGED_COLUMN, ERRORS_COLUMN]).astype(object)
    pd.testing.assert_frame_equal(back, expected)
    if suffix == ".csv":
        assert "'=HYPERLINK" in path.read_text(encoding="utf-8-sig")
    else:
        from openpyxl import load_workbook

        book = load_workbook(path)
        sheet = book.worksheets[0]
        cells = [c for row in sheet.iter_rows() for c in row if c.value == "=HYPERLINK(1)"]
        assert cells
        assert cells[0].data_type == "s"
        book.close()


def test_read_links_table_without_url_column(tmp_path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("source;medium\na;b\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no URL column"):
        read_links_table(path)


def test_read_semicolon_cp1252_csv(tmp_path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes("url;utm_campaign\nhttps://x.org/;Été\n".encode("cp1252"))
    frame = read_links_table(path)
    assert frame.loc[0, "campaign"] == "Été"


# -- QR --------------------------------------------------------------------------------


def test_qr_png_and_svg() -> None:
    png = qr_bytes("https://x.org/?utm_source=a", "png", 300)
    assert png.startswith(b"\x89PNG")
    svg = qr_bytes("https://x.org/?utm_source=a", "svg", 300)
    assert b"<svg" in svg
    with pytest.raises(ValueError, match="png or svg"):
        qr_bytes("https://x.org/", "gif")


# -- drift and links vs data -----------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Facebook", "facebook"),
        ("facebook", "fb"),
        (" FB ", "facebook"),
        ("m.facebook.com", "facebook"),
        ("www.facebook.com", "Facebook"),
        ("IG", "instagram"),
        ("E-Mail", "email"),
        ("Whats App", "whatsapp"),
        ("chat-bot", "chatbot"),
    ],
)
def test_drift_key_equal(a: str, b: str) -> None:
    assert drift_key(a) == drift_key(b)


def test_drift_key_keeps_different_names_apart() -> None:
    assert drift_key("messenger") != drift_key("facebook")
    assert drift_key("instagram") != drift_key("email")


def test_find_naming_drift_groups_and_canonical() -> None:
    values = ["Facebook", "facebook", "fb", "fb", "facebook", "Instagram", "ig", "email", None, ""]
    groups = find_naming_drift(values)
    by_key = {g.key: g for g in groups}
    assert set(by_key) == {"facebook", "instagram"}
    assert by_key["facebook"].canonical == "facebook"
    assert set(by_key["facebook"].others) == {"Facebook", "fb"}
    assert by_key["instagram"].canonical == "Instagram"  # no exact spelling: most frequent
    assert "written 3 ways" in by_key["facebook"].describe()
    resolved = find_naming_drift(values, aliases={"Facebook": "facebook", "fb": "facebook"})
    assert {g.key for g in resolved} == {"instagram"}


def _facts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "campaign": ["Autumn Sale", "Autumn Sale", "Style Finder", "Brand Push", "Gift Guide"],
            "channel": ["Messenger", "messenger", "Instagram", "DV360", "Messenger"],
            "source_medium": [
                "facebook / chatbot",
                "Facebook / chatbot",
                "ig / chatbot",
                "dv360 / display",
                "fb / Chatbot",
            ],
            "spend": [100.0, 50.0, 0.0, 300.0, None],
            "visitors": [10.0, 5.0, 0.0, None, 3.0],
        }
    )


def _link(campaign: str) -> LinkRecord:
    params = UtmParams("messenger", "chatbot", campaign)
    return LinkRecord.from_result("https://x.org/", build_url("https://x.org/", params))


def test_links_vs_data_report() -> None:
    links = [_link("autumn_sale"), _link("style_finder"), _link("winter_teaser")]
    report = links_vs_data(links, _facts())
    kinds = {(g.kind, g.key) for g in report.drift}
    assert ("source", "facebook") in kinds
    assert ("medium", "chatbot") in kinds
    assert ("channel", "messenger") in kinds
    assert [(g.key, g.spend) for g in report.spend_without_link] == [("brand_push", 300.0)]
    assert {link.campaign for link in report.links_without_traffic} == {
        "style_finder",
        "winter_teaser",
    }
    assert report.traffic_known


def test_links_vs_data_with_aliases_and_no_traffic_data() -> None:
    facts = _facts().drop(columns=["visitors"])
    aliases = {
        "source": {"Facebook": "facebook", "fb": "facebook"},
        "campaign": {"Brand Push": "autumn_sale"},
    }
    report = links_vs_data([_link("autumn_sale")], facts, aliases)
    assert ("source", "facebook") not in {(g.kind, g.key) for g in report.drift}
    assert report.spend_without_link == ()
    assert report.links_without_traffic == ()
    assert not report.traffic_known


def test_links_vs_data_empty() -> None:
    report = links_vs_data([], pd.DataFrame())
    assert report.drift == ()
    assert report.spend_without_link == ()
