"""The UTM tab through its widgets: form, paste, presets, QR export, bulk table, history."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

from pathlib import Path

import pandas as pd
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QUndoStack
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QToolButton

from kpi_desktop.core.utm import (
    LinkRecord,
    MemoryLinkStore,
    NamingConvention,
    UtmParams,
    build_url,
    read_links_table,
)
from kpi_desktop.core.workspace import Workspace
from kpi_desktop.ui.link_store import WorkspaceLinkStore
from kpi_desktop.ui.models.bulk_links_model import COLUMNS, BulkLinksModel
from kpi_desktop.ui.session import Session
from kpi_desktop.ui.settings import Settings
from kpi_desktop.ui.tabs.utm import UtmTab

# Typing into the source/medium/campaign fields opens the completer's popup, and one test
# shows the tab; the offscreen platform cannot raise a window, grab the keyboard or pass
# size hints to a window manager, and says so. Only these messages are ignored.
pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support (raise\(\)|grabbing the keyboard|propagateSizeHints\(\))"
)


@pytest.fixture
def store() -> MemoryLinkStore:
    facts = pd.DataFrame(
        {
            "campaign": ["Autumn Sale", "Autumn Sale", "Brand Push"],
            "channel": ["Messenger", "Messenger", "DV360"],
            "source_medium": ["facebook / chatbot", "Facebook / chatbot", "fb / chatbot"],
            "spend": [10.0, 5.0, 300.0],
            "visitors": [3.0, 4.0, None],
        }
    )
    return MemoryLinkStore(facts=facts, campaigns=["Style Finder"])


@pytest.fixture
def session_tab(qtbot, settings: Settings) -> tuple[UtmTab, QUndoStack]:
    """A tab over a real workspace whose edits go through the session's one undo stack."""
    session = Session(settings)
    session.set_workspace(Workspace.new(), "Links")
    widget = UtmTab(WorkspaceLinkStore(lambda: session.workspace, session.push))
    session.changed.connect(lambda _changes: widget.model_bulk.reload())
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    return widget, session.undo_stack


@pytest.fixture
def tab(qtbot, store: MemoryLinkStore) -> UtmTab:
    widget = UtmTab(store)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    return widget


def _fill(qtbot, tab: UtmTab, url: str, **values: str) -> None:
    qtbot.keyClicks(tab.edit_url, url)
    for name, value in values.items():
        qtbot.keyClicks(tab.edits[name], value)


def test_object_names(tab: UtmTab) -> None:
    assert tab.objectName() == "tab_utm"
    for name in ("edit_url", "edit_utm_source", "edit_utm_campaign", "edit_label"):
        assert tab.findChild(QLineEdit, name) is not None
    for name in ("button_copy", "button_open", "button_qr_png", "button_qr_svg"):
        button = tab.findChild(QPushButton, name)
        assert button is not None
        assert button.toolTip()
    assert tab.findChild(QLabel, "label_preview") is tab.label_preview
    assert tab.table_bulk.objectName() == "table_bulk"


def test_typing_builds_live_preview_and_copies(qtbot, tab: UtmTab, store) -> None:
    assert not tab.button_copy.isEnabled()
    _fill(qtbot, tab, "https://shop.example.com/?ref=bot#/cart?x=1", source="Messenger")
    assert tab.notes["medium"].text() == "Medium is required"
    assert tab.edits["medium"].property("invalid") is True
    _fill(qtbot, tab, "", medium="chatbot", campaign="Autumn Sale")
    expected = (
        "https://shop.example.com/?ref=bot&utm_source=messenger&utm_medium=chatbot"
        "&utm_campaign=autumn_sale#/cart?x=1"
    )
    assert tab.result().url == expected
    assert tab.label_preview.toolTip() == expected
    assert tab.notes["source"].text().startswith("→ messenger")
    assert "changed 2 values" in tab.label_changes.text()
    assert tab.button_copy.isEnabled()
    with qtbot.waitSignal(tab.linkSaved) as blocker:
        qtbot.mouseClick(tab.button_copy, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == expected
    assert isinstance(blocker.args[0], LinkRecord)
    assert store.links()[-1].url == expected
    with qtbot.assertNotEmitted(tab.linkSaved):  # the same link is not kept twice
        tab.save_link()


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("javascript:alert(1)", "Only http and https"),
        ("https://", "no host"),
        ("shop.example.com", "https://"),
        ("https://shop example.com", "space"),
    ],
)
def test_bad_url_shows_reason_and_no_qr(qtbot, tab: UtmTab, url: str, reason: str) -> None:
    _fill(qtbot, tab, url, source="a", medium="b", campaign="c")
    assert reason in tab.notes["url"].text()
    assert tab.edit_url.property("invalid") is True
    assert not tab.button_copy.isEnabled()
    assert not tab.button_qr_png.isEnabled()
    assert tab.qr_image().isNull()


def test_pasting_a_tagged_url_fills_the_form(qtbot, tab: UtmTab) -> None:
    tab.edit_url.setFocus()
    QGuiApplication.clipboard().setText(
        "https://x.org/p?a=1&utm_source=ig&flag&utm_campaign=spring%20sale&utm_term=a+b#/r?t=1"
    )
    qtbot.keyClick(tab.edit_url, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert tab.edit_url.text() == "https://x.org/p?a=1&flag#/r?t=1"
    assert tab.edits["source"].text() == "ig"
    assert tab.edits["campaign"].text() == "spring sale"
    assert tab.edits["term"].text() == "a b"


def test_preset_fills_channel_values(qtbot, tab: UtmTab) -> None:
    _fill(qtbot, tab, "https://x.org/", campaign="spring", source="old")
    index = tab.combo_preset.findText("WhatsApp")
    tab.combo_preset.setCurrentIndex(index)
    tab.combo_preset.activated.emit(index)
    assert (tab.edits["source"].text(), tab.edits["medium"].text()) == ("whatsapp", "chatbot")
    assert tab.edits["campaign"].text() == "spring"


def test_presets_are_editable_and_saved(tab: UtmTab, store) -> None:
    tab.table_presets.item(0, 0).setText("Messenger EU")
    tab.table_presets.item(0, 2).setText("bot")
    tab.save_presets()
    assert store.presets()[0].name == "Messenger EU"
    assert store.presets()[0].params.medium == "bot"
    assert tab.combo_preset.findText("Messenger EU") > 0


def test_completion_from_campaigns_and_history(qtbot, tab: UtmTab) -> None:
    assert {"Autumn Sale", "Style Finder"} <= set(tab.completions("campaign"))
    _fill(qtbot, tab, "https://x.org/", source="newsite", medium="m", campaign="fresh")
    tab.save_link()
    assert "newsite" in tab.completions("source")
    assert "fresh" in tab.completions("campaign")


def test_convention_setting_applies_and_is_saved(qtbot, tab: UtmTab, store) -> None:
    _fill(qtbot, tab, "https://x.org/", source="FB Ads", medium="social", campaign="c")
    tab.tabs_utm.setCurrentIndex(3)
    tab.combo_spaces.setCurrentIndex(tab.combo_spaces.findData("-"))
    tab.edit_allowed_values.setPlainText("medium: chatbot, email")
    with qtbot.waitSignal(tab.conventionChanged):
        qtbot.mouseClick(tab.button_convention_save, Qt.MouseButton.LeftButton)
    assert store.naming_convention().space_replacement == "-"
    assert tab.result().params.source == "fb-ads"
    assert "chatbot, email" in tab.notes["medium"].text()
    tab.edit_allowed_values.setPlainText("nonsense")
    assert not tab.save_convention()
    assert "medium: chatbot" in tab.label_convention_error.text()


@pytest.mark.parametrize("kind", ["png", "svg"])
def test_qr_export(qtbot, tab: UtmTab, tmp_path: Path, kind: str) -> None:
    _fill(qtbot, tab, "https://x.org/", source="print", medium="qr", campaign="poster")
    assert not tab.qr_image().isNull()
    tab.spin_qr_size.setValue(300)
    path = tab.save_qr(tmp_path / f"code.{kind}")
    assert path is not None
    assert path.exists()
    if kind == "png":
        image = QImage(str(path))
        assert 250 <= image.width() <= 300
        assert image.width() == image.height()
    else:
        assert b"<svg" in path.read_bytes()


def test_qr_copied_as_image(qtbot, tab: UtmTab) -> None:
    _fill(qtbot, tab, "https://x.org/", source="print", medium="qr", campaign="poster")
    qtbot.mouseClick(tab.button_qr_copy, Qt.MouseButton.LeftButton)
    assert not QGuiApplication.clipboard().image().isNull()


# -- bulk --------------------------------------------------------------------------------


def test_bulk_model(qtmodeltester) -> None:
    model = BulkLinksModel(MemoryLinkStore(), convention=NamingConvention())
    model.add_rows(
        [
            {"url": "https://x.org/", "source": "A", "medium": "m", "campaign": "c"},
            {"url": "javascript:x"},
        ]
    )
    qtmodeltester.check(model)
    assert model.cell_error(1, "url")
    assert model.cell_error(0, "url") == ""


def test_bulk_table_edit_validate_undo(qtbot, session_tab: tuple[UtmTab, QUndoStack]) -> None:
    tab, stack = session_tab
    tab.show()
    qtbot.waitExposed(tab)
    model = tab.model_bulk
    qtbot.mouseClick(tab.button_bulk_add, Qt.MouseButton.LeftButton)
    assert model.rowCount() == 1
    url_col, source_col = COLUMNS.index("url"), COLUMNS.index("source")
    tagged = model.index(0, COLUMNS.index("tagged_url"))
    assert model.index(0, url_col).data(BulkLinksModel.ErrorRole)
    assert model.index(0, url_col).data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(0, url_col).data(Qt.ItemDataRole.BackgroundRole) is not None
    # type into a cell through the view's editor; the rest through the model
    index = model.index(0, url_col)
    tab.table_bulk.setCurrentIndex(index)
    tab.table_bulk.edit(index)
    editor = tab.table_bulk.indexWidget(index)
    assert isinstance(editor, QLineEdit)
    editor.setText("https://x.org/a")
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # Qt commits the editor with a queued call
    qtbot.waitUntil(lambda: index.data() == "https://x.org/a")
    assert not index.data(BulkLinksModel.ErrorRole)
    model.setData(model.index(0, source_col), "Messenger")
    model.setData(model.index(0, COLUMNS.index("medium")), "chatbot")
    model.setData(model.index(0, COLUMNS.index("campaign")), "Autumn Sale")
    assert tagged.data() == (
        "https://x.org/a?utm_source=messenger&utm_medium=chatbot&utm_campaign=autumn_sale"
    )
    assert "1 link" in tab.label_bulk_status.text()
    assert "problems" not in tab.label_bulk_status.text()
    assert not (tagged.flags() & Qt.ItemFlag.ItemIsEditable)
    stack.undo()  # campaign
    assert (
        "campaign is required"
        in model.index(0, COLUMNS.index("campaign")).data(BulkLinksModel.ErrorRole).lower()
    )
    assert "with problems" in tab.label_bulk_status.text()
    stack.redo()
    assert tagged.data().endswith("utm_campaign=autumn_sale")
    while stack.canUndo():
        stack.undo()
    assert model.rowCount() == 0


def test_bulk_edits_in_one_cell_merge(session_tab: tuple[UtmTab, QUndoStack]) -> None:
    tab, stack = session_tab
    model = tab.model_bulk
    model.add_rows()
    index = model.index(0, COLUMNS.index("source"))
    model.setData(index, "a")
    model.setData(index, "ab")
    assert stack.count() == 2  # add row + one merged edit
    stack.undo()
    assert index.data() == ""


def test_bulk_remove_rows_undo(session_tab: tuple[UtmTab, QUndoStack]) -> None:
    tab, stack = session_tab
    model = tab.model_bulk
    model.add_rows([{"label": str(i)} for i in range(4)])
    model.remove_rows([1, 3])
    assert [r["label"] for r in model.rows()] == ["0", "2"]
    stack.undo()
    assert [r["label"] for r in model.rows()] == ["0", "1", "2", "3"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_bulk_import_export(
    qtbot, session_tab: tuple[UtmTab, QUndoStack], tmp_path: Path, suffix: str
) -> None:
    tab, stack = session_tab
    source = tmp_path / f"in{suffix}"
    frame = pd.DataFrame(
        {
            "Landing page": ["https://x.org/a?x=1#top", "ftp://x.org", "https://x.org/ü"],
            "utm_source": ["Messenger", "ig", "wa"],
            "utm_medium": ["chatbot", "chatbot", "chatbot"],
            "utm_campaign": ["Autumn Sale", "b", ""],
        }
    )
    from kpi_desktop.core.utm import write_links_table

    write_links_table(frame, source)
    assert tab.import_bulk(source)
    model = tab.model_bulk
    assert model.rowCount() == 3
    assert model.problem_count() == 2
    assert model.index(1, COLUMNS.index("url")).data(BulkLinksModel.ErrorRole)
    assert model.index(2, COLUMNS.index("campaign")).data(BulkLinksModel.ErrorRole)
    out = tab.export_bulk(tmp_path / f"out{suffix}")
    assert out is not None
    back = read_links_table(out)
    assert list(back["source"]) == ["Messenger", "ig", "wa"]
    stack.undo()
    assert model.rowCount() == 0


def test_bulk_import_bad_file_warns(qtbot, tab: UtmTab, tmp_path: Path, monkeypatch) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    shown: list[str] = []
    monkeypatch.setattr(
        "kpi_desktop.ui.tabs.utm.bulk_page.QMessageBox.warning",
        lambda _parent, _title, text: shown.append(text),
    )
    assert not tab.import_bulk(bad)
    assert "no URL column" in shown[0]


# -- history and links vs data -----------------------------------------------------------


def test_history_search_reuse_export(qtbot, tab: UtmTab, store, tmp_path: Path) -> None:
    for label, campaign in [("Quiz", "autumn_sale"), ("Poster", "store_opening")]:
        params = UtmParams("messenger", "chatbot", campaign)
        result = build_url("https://x.org/p#top", params)
        store.add_link(LinkRecord.from_result("https://x.org/p#top", result, label))
    tab.refresh()
    assert tab.table_history.rowCount() == 2
    qtbot.keyClicks(tab.edit_history_search, "store")
    assert [link.label for link in tab.history_rows()] == ["Poster"]
    tab.table_history.selectRow(0)
    qtbot.mouseClick(tab.button_history_reuse, Qt.MouseButton.LeftButton)
    assert tab.edit_url.text() == "https://x.org/p#top"
    assert tab.edits["campaign"].text() == "store_opening"
    assert tab.edit_label.text() == "Poster"
    out = tab.export_history(tmp_path / "history.csv")
    assert out is not None
    assert "store_opening" in out.read_text(encoding="utf-8-sig")


def test_links_and_data_panel_alias_in_one_click(qtbot, tab: UtmTab, store) -> None:
    groups = tab.drift_groups()
    assert [(g.kind, g.canonical) for g in groups] == [("source", "facebook")]
    assert tab.list_spend_no_link.count() == 2  # no links yet: both campaigns
    button = tab.table_drift.cellWidget(0, 3)
    assert isinstance(button, QPushButton)
    with qtbot.waitSignals([tab.aliasAdded, tab.aliasAdded]):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert store.aliases()["source"] == {"Facebook": "facebook", "fb": "facebook"}
    assert tab.drift_groups() == []
    assert tab.table_drift.rowCount() == 0


def test_default_store_applies_bulk_edits_without_an_undo_stack_of_its_own(qtbot) -> None:
    widget = UtmTab()  # a MemoryLinkStore: undo belongs to the session, not the tab
    qtbot.addWidget(widget)
    widget.model_bulk.add_rows()
    assert widget.model_bulk.rowCount() == 1
    assert widget.store.bulk_links() == [widget.model_bulk.rows()[0]]
    assert widget.findChild(QToolButton, "button_bulk_undo") is None
    assert widget.result().url == ""
