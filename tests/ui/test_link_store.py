"""WorkspaceLinkStore: the UTM builder's store over a real workspace file."""

from __future__ import annotations

from pathlib import Path

from undo_support import CommandStack

from kpi_desktop.core.utm import LinkRecord, LinkStore, NamingConvention, UtmParams
from kpi_desktop.core.workspace import Workspace
from kpi_desktop.ui.link_store import WorkspaceLinkStore


def test_links_settings_and_aliases_round_trip_through_the_file(tmp_path: Path) -> None:
    ws = Workspace.open_sample()
    stack = CommandStack(ws)
    store = WorkspaceLinkStore(lambda: ws, stack.push)
    assert isinstance(store, LinkStore)
    first = [link.label for link in store.links()]
    assert first == ["Autumn Sale bot, quiz opener", "Style Finder DM bot"]  # oldest first
    params = UtmParams(source="instagram", medium="chatbot", campaign="loyalty_club")
    store.add_link(
        LinkRecord("https://a.example/?utm_source=instagram", "https://a.example/", params, "New")
    )
    store.set_naming_convention(NamingConvention(max_length=40))
    store.save_presets(store.presets()[:1])
    store.add_alias("source", "fb", "facebook")
    store.add_alias("campaign", "Loyalty Club 2", "loyalty_club")
    assert [c.text for c in stack.done][-3:] == [
        "Change UTM presets",
        "Treat source “fb” as “facebook”",
        "Merge loyalty_club_2 into Loyalty Club",
    ]
    assert len(stack.done) == 5  # every change is one undoable command
    assert store.aliases()["campaign"] == {"loyalty_club_2": "loyalty_club"}
    assert "Loyalty Club" in store.campaign_names()
    assert len(store.facts()) == len(ws.facts())
    path = tmp_path / "links.kpidesk"
    ws.save(path)
    again = WorkspaceLinkStore(lambda: Workspace.open(path), _refuse)
    assert [link.label for link in again.links()][-1] == "New"
    assert again.links()[-1].params == params
    assert again.naming_convention().max_length == 40
    assert len(again.presets()) == 1
    assert again.aliases()["source"] == {"fb": "facebook"}
    stack.undo()  # the campaign alias
    assert ws.aliases() == {}
    stack.undo()  # the source alias
    assert "source" not in store.aliases()
    stack.undo()  # the presets
    assert len(store.presets()) > 1
    stack.undo()  # the naming convention
    assert store.naming_convention() == NamingConvention()
    stack.undo()  # the link
    assert [link.label for link in store.links()] == first
    stack.redo()
    assert [link.label for link in store.links()][-1] == "New"


def test_bulk_rows_are_kept_in_the_workspace_and_undo(tmp_path: Path) -> None:
    ws = Workspace.new()
    stack = CommandStack(ws)
    store = WorkspaceLinkStore(lambda: ws, stack.push)
    assert store.bulk_links() == []
    store.set_bulk_links([{"url": "https://a.example/", "source": "ig"}], "Add link")
    store.set_bulk_links([{"url": "https://a.example/", "source": "igg"}], "Edit", (0, "source"))
    store.set_bulk_links([{"url": "https://a.example/", "source": "ig2"}], "Edit", (0, "source"))
    assert len(stack.done) == 2  # typing into one cell twice is one step
    path = tmp_path / "bulk.kpidesk"
    ws.save(path)
    assert WorkspaceLinkStore(lambda: Workspace.open(path), _refuse).bulk_links() == [
        {"url": "https://a.example/", "source": "ig2"}
    ]
    stack.undo()
    assert store.bulk_links() == [{"url": "https://a.example/", "source": "ig"}]
    stack.undo()
    assert store.bulk_links() == []
    assert not ws.has_setting("utm.bulk_links")  # undo removes what was not there


def _refuse(command: object) -> None:
    raise AssertionError(f"a read-only store was asked to change: {command}")


def test_no_workspace_gives_empty_answers() -> None:
    store = WorkspaceLinkStore(lambda: None, _refuse)
    assert store.links() == []
    assert store.campaign_names() == []
    assert store.naming_convention() == NamingConvention()
    assert store.facts().empty


def test_sample_history_links_reuse_with_their_page_url(qtbot) -> None:
    from kpi_desktop.core.workspace import Workspace
    from kpi_desktop.ui.link_store import WorkspaceLinkStore
    from kpi_desktop.ui.tabs.utm import UtmTab

    ws = Workspace.open_sample()
    links = WorkspaceLinkStore(lambda: ws, _refuse).links()
    assert links
    assert all(link.base_url and link.url.startswith(link.base_url.split("?")[0]) for link in links)
    tab = UtmTab(WorkspaceLinkStore(lambda: ws, _refuse))
    qtbot.addWidget(tab)
    tab.reuse_history_link(0)
    assert tab.edit_url.text()
    assert tab.edits["id"].text() == ""  # the history row number is not a utm_id
    assert tab.result().url == tab.history_rows()[0].url


def test_aliasing_a_drift_group_is_one_undo_step() -> None:
    ws = Workspace.open_sample()
    stack = CommandStack(ws)
    store = WorkspaceLinkStore(lambda: ws, stack.push)
    store.add_aliases("source", {"fb": "facebook", "Facebook": "facebook"})
    store.add_aliases(
        "campaign", {"Loyalty Club 2": "Loyalty Club", "loyalty-club-3": "Loyalty Club"}
    )
    assert len(stack.done) == 2
    assert store.aliases()["source"] == {"fb": "facebook", "Facebook": "facebook"}
    assert set(ws.aliases()) == {"loyalty_club_2", "loyalty_club_3"}
    stack.undo()
    assert ws.aliases() == {}
    stack.undo()
    assert "source" not in store.aliases()
