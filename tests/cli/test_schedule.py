"""``draft new --schedule``: refused with a reason unless the time exists, once, in the future."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from desktop_app.cli.errors import ExitCode
from desktop_app.config import resolve_config
from desktop_app.store.database import Store
from tests.support.cli import assert_one_line_failure, kanal, kanal_json


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("2020-01-01T10:00", ["2020-01-01 10:00", "in the past"]),
        ("0001-01-01T00:00", ["in the past"]),
        ("2030-03-31T02:30", ["does not exist in Europe/Stockholm", "02:00-03:00"]),
        ("2030-10-27T02:30", ["happens twice", "+02:00", "+01:00"]),
        ("nästa tisdag", ["is not a date and time"]),
    ],
)
def test_refused_schedules_create_no_draft(tmp_path: Path, value: str, words: list[str]) -> None:
    data_dir = tmp_path / "data"
    result = kanal("draft", "new", "--text", "Öppet hus", "--schedule", value, data_dir=data_dir)
    assert_one_line_failure(result, ExitCode.USAGE, *words)
    assert kanal_json("draft", "list", data_dir=data_dir) == []


def test_messages_in_swedish(tmp_path: Path) -> None:
    result = kanal(
        "--lang", "sv", "draft", "new", "--text", "x", "--schedule", "2030-03-31T02:30",
        data_dir=tmp_path,
    )  # fmt: skip
    assert_one_line_failure(result, ExitCode.USAGE, "finns inte i Europe/Stockholm")
    by_locale = kanal(
        "draft", "new", "--text", "x", "--schedule", "2020-01-01T10:00",
        data_dir=tmp_path, env={"LANG": "sv_SE.UTF-8", "LANGUAGE": ""},
    )  # fmt: skip
    assert_one_line_failure(by_locale, ExitCode.USAGE, "har redan passerat")


def test_the_ambiguous_hour_with_an_offset_is_accepted(tmp_path: Path) -> None:
    draft = kanal_json(
        "draft", "new", "--text", "x", "--schedule", "2030-10-27T02:30+01:00",
        data_dir=tmp_path,
    )  # fmt: skip
    assert draft["scheduled_at"] == "2030-10-27T01:30:00+00:00"


def _draft_scheduled_for(data_dir: Path, when: datetime) -> str:
    """A draft saved earlier with a schedule (written straight to the store, as the window
    would have, before the time passed)."""
    config = resolve_config(str(data_dir))
    store = Store(config.database_url, config.data_dir)
    store.migrate()
    try:
        with store.unit_of_work() as uow:
            return uow.drafts.create(body="Julmarknad", scheduled_at=when, author="Anna").id
    finally:
        store.dispose()


def test_publish_refuses_a_draft_whose_schedule_has_passed(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    draft_id = _draft_scheduled_for(data_dir, datetime(2020, 12, 13, 9, 0, tzinfo=UTC))
    result = kanal("publish", draft_id, data_dir=data_dir)
    assert_one_line_failure(result, ExitCode.USAGE, draft_id, "2020-12-13 10:00", "--now")
    with sqlite3.connect(data_dir / "kanal.sqlite3") as connection:
        assert connection.execute("SELECT COUNT(*) FROM publications").fetchone() == (0,)
    connection.close()
    # With --now the schedule check is passed; this draft has no targets, which the engine
    # refuses with its own one line.
    now = kanal("publish", draft_id, "--now", data_dir=data_dir)
    line = assert_one_line_failure(now, 1)
    assert "has passed" not in line
