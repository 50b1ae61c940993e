"""WorkspaceLinkStore: the UTM builder's store over a real workspace file."""

from __future__ import annotations

from pathlib import Path

from kpi_desktop.core.commands import CommandStack
from kpi_desktop.core.utm import LinkRecord, LinkStore, NamingConvention, UtmParams
from kpi_desktop.core.workspace import Workspace
from kpi_desktop.ui.link_store import WorkspaceLinkStore


def test_links_settings_and_aliases_round_trip_through_the_file(tmp_path: Path) -> None:
    ws = Workspace.open_sample()
    stack = CommandStack(ws)
    changed: list[int] = []
    store = WorkspaceLinkStore(lambda: ws, stack.push, lambda: changed.append(1))
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
    assert len(changed) == 4  # links and settings bypass the undo stack: autosave is told
    assert store.aliases()["campaign"] == {"loyalty_club_2": "loyalty_club"}
    assert "Loyalty Club" in store.campaign_names()
    assert len(store.facts()) == len(ws.facts())
    path = tmp_path / "links.kpidesk"
    ws.save(path)
    again = WorkspaceLinkStore(lambda: Workspace.open(path))
    assert [link.label for link in again.links()][-1] == "New"
    assert again.links()[-1].params == params
    assert again.naming_convention().max_length == 40
    assert len(again.presets()) == 1
    assert again.aliases()["source"] == {"fb": "facebook"}
    stack.undo()  # the campaign alias is an undoable command
    assert ws.aliases() == {}


def test_no_workspace_gives_empty_answers() -> None:
    store = WorkspaceLinkStore(lambda: None)
    assert store.links() == []
    assert store.campaign_names() == []
    assert store.naming_convention() == NamingConvention()
    assert store.facts().empty


def test_sample_history_links_reuse_with_their_page_url(qtbot) -> None:
    from kpi_desktop.core.workspace import Workspace
    from kpi_desktop.ui.link_store import WorkspaceLinkStore
    from kpi_desktop.ui.tabs.utm import UtmTab

    ws = Workspace.open_sample()
    links = WorkspaceLinkStore(lambda: ws).links()
    assert links
    assert all(link.base_url and link.url.startswith(link.base_url.split("?")[0]) for link in links)
    tab = UtmTab(WorkspaceLinkStore(lambda: ws))
    qtbot.addWidget(tab)
    tab.reuse_history_link(0)
    assert tab.edit_url.text()
    assert tab.edits["id"].text() == ""  # the history row number is not a utm_id
    assert tab.result().url == tab.history_rows()[0].url
