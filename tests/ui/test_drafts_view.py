"""The drafts list: paged model over the real store, search, open, duplicate, trash, restore."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.domain.drafts import DraftState
from desktop_app.store.database import Store
from desktop_app.ui.application import display_zone
from desktop_app.ui.drafts_view import DraftsModel, DraftsView
from desktop_app.ui.main_window import SECTION_COMPOSE, SECTION_DRAFTS
from desktop_app.ui.tasks import TaskRunner
from tests.ui.conftest import MainWindowFactory


def add_drafts(reader: Store, bodies: list[str]) -> list[str]:
    with reader.unit_of_work() as uow:
        return [uow.drafts.create(body=body, author="test").id for body in bodies]


@pytest.fixture
def view(qtbot: QtBot, worker: TaskRunner) -> Iterator[DraftsView]:
    widget = DraftsView(worker, display_zone(), "tester")
    qtbot.addWidget(widget)
    widget.resize(900, 500)
    widget.show()
    yield widget
    widget.shutdown()


def wait_rows(qtbot: QtBot, model: DraftsModel, rows: int) -> None:
    qtbot.waitUntil(lambda: model.rowCount() == rows and not model.is_fetching, timeout=5000)


def test_model_fetches_pages_only_as_needed(
    qtbot: QtBot, worker: TaskRunner, reader: Store
) -> None:
    add_drafts(reader, [f"Utkast nummer {n}" for n in range(250)])
    model = DraftsModel(worker, display_zone(), page_size=100)
    with qtbot.waitSignal(model.total_changed, timeout=5000) as total:
        model.reload()
    assert total.args == [250]
    wait_rows(qtbot, model, 100)
    assert model.canFetchMore()
    model.fetchMore()
    assert not model.canFetchMore()  # one page at a time
    wait_rows(qtbot, model, 200)
    model.fetchMore()
    wait_rows(qtbot, model, 250)
    assert not model.canFetchMore()
    ids = [model.draft_id(r) for r in range(250)]
    assert len(set(ids)) == 250
    # Newest change first.
    assert model.index(0, DraftsModel.COLUMN_TEXT).data() == "Utkast nummer 249"


def test_scrolling_the_view_pulls_the_next_page(
    qtbot: QtBot, view: DraftsView, reader: Store
) -> None:
    add_drafts(reader, [f"Rad {n}" for n in range(450)])
    view.activate()
    qtbot.waitUntil(lambda: view.model.rowCount() >= 200, timeout=5000)
    assert view.model.rowCount() < 450  # not everything at once
    view.table.scrollToBottom()
    qtbot.waitUntil(lambda: view.model.rowCount() > 200, timeout=5000)


def test_search_filters_the_list(qtbot: QtBot, view: DraftsView, reader: Store) -> None:
    add_drafts(reader, ["Snöröjning i centrum", "Badhuset stänger", "Snöröjning på landet"])
    view.activate()
    wait_rows(qtbot, view.model, 3)
    view.search_edit.setText("snöröjning")
    qtbot.waitUntil(lambda: view.model.search == "snöröjning")
    wait_rows(qtbot, view.model, 2)
    texts = {view.model.index(r, 0).data() for r in range(2)}
    assert texts == {"Snöröjning i centrum", "Snöröjning på landet"}
    assert view.status_label.text() == "2 drafts"


def test_duplicate_trash_and_restore(qtbot: QtBot, view: DraftsView, reader: Store) -> None:
    (draft_id,) = add_drafts(reader, ["Vattenavstängning på Åsgatan"])
    view.activate()
    wait_rows(qtbot, view.model, 1)
    view.select_row(0)
    view.duplicate_selected()
    wait_rows(qtbot, view.model, 2)

    view.select_row(view_row_of(view, draft_id))
    view.trash_selected()
    wait_rows(qtbot, view.model, 1)
    assert view.model.draft_id(0) != draft_id
    with reader.unit_of_work(read_only=True) as uow:
        trashed = uow.drafts.get(draft_id)
    assert trashed is not None and trashed.state is DraftState.TRASHED

    view.trash_check.setChecked(True)
    wait_rows(qtbot, view.model, 1)
    assert view.model.draft_id(0) == draft_id
    assert view.status_label.text() == "1 draft in the trash"
    assert view.restore_button.isVisibleTo(view)
    assert not view.trash_button.isVisibleTo(view)
    view.select_row(0)
    view.restore_selected()
    wait_rows(qtbot, view.model, 0)
    view.trash_check.setChecked(False)
    wait_rows(qtbot, view.model, 2)
    with reader.unit_of_work(read_only=True) as uow:
        restored = uow.drafts.get(draft_id)
    assert restored is not None and restored.state is DraftState.DRAFT


def view_row_of(view: DraftsView, draft_id: str) -> int:
    for row in range(view.model.rowCount()):
        if view.model.draft_id(row) == draft_id:
            return row
    raise AssertionError(f"{draft_id} not shown")


def test_open_puts_the_draft_in_the_composer(
    qtbot: QtBot, make_window: MainWindowFactory, reader: Store
) -> None:
    (draft_id,) = add_drafts(reader, ["Biblioteket har nya öppettider"])
    window = make_window()
    window.show_section(SECTION_DRAFTS)
    wait_rows(qtbot, window.drafts.model, 1)
    window.drafts.select_row(0)
    with qtbot.waitSignal(window.composer.loaded, timeout=5000):
        window.drafts.open_selected()
    assert window.current_section() == SECTION_COMPOSE
    assert window.composer.draft_id == draft_id
    assert window.composer.body_editor.toPlainText() == "Biblioteket har nya öppettider"


def test_what_the_composer_saves_shows_up_in_the_list(
    qtbot: QtBot, make_window: MainWindowFactory
) -> None:
    window = make_window()
    window.composer.body_editor.setPlainText("Nytt utkast från skrivrutan")
    window.show_section(SECTION_DRAFTS)  # saves first, then lists
    wait_rows(qtbot, window.drafts.model, 1)
    assert window.drafts.model.index(0, 0).data() == "Nytt utkast från skrivrutan"
