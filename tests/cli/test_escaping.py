"""Human output shows a citizen's control characters as visible escapes; ``--json`` stays exact."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from desktop_app.cli.output import escape_controls, one_line
from desktop_app.config import resolve_config
from desktop_app.domain.inbox import InboxKind, IncomingItem
from desktop_app.domain.networks import Network
from desktop_app.store.database import Store
from tests.support.cli import kanal
from tests.support.store import add_account

HOSTILE = "Hej\x1b]0;Kanal hacked\x07 \x1b[2J\x9b31m kommunen \u202eftw.exe\u202c slut"
ZWJ_FAMILY = "👩‍👩‍👧"  # zero-width joiners inside: must stay as they are


def test_escape_controls_escapes_terminal_sequences_c1_and_bidi() -> None:
    shown = escape_controls(HOSTILE)
    assert shown == (
        "Hej\\x1b]0;Kanal hacked\\x07 \\x1b[2J\\x9b31m kommunen \\u202eftw.exe\\u202c slut"
    )
    assert all(ch.isprintable() for ch in shown)


def test_escape_controls_keeps_text_lines_tabs_and_emoji() -> None:
    text = f"Rad ett\nRad\ttvå {ZWJ_FAMILY} åäö\r\nslut"
    assert escape_controls(text) == f"Rad ett\nRad\ttvå {ZWJ_FAMILY} åäö\nslut"
    assert escape_controls("ensam\rretur\u2028") == "ensam\\x0dretur\\u2028"
    assert one_line("Anna\nAndersson\x1b[31m") == "Anna Andersson\\x1b[31m"


def test_draft_human_output_is_escaped_and_json_is_exact(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    human = kanal("draft", "new", "--text", HOSTILE, "--author", "Eve\x1b[8m", data_dir=data_dir)
    assert human.returncode == 0, human.stderr
    assert "\x1b" not in human.stdout and "\u202e" not in human.stdout
    assert "\x9b" not in human.stdout and "\x07" not in human.stdout
    assert "\\x1b]0;Kanal hacked\\x07" in human.stdout
    assert "by Eve\\x1b[8m" in human.stdout

    as_json = kanal("draft", "list", "--json", data_dir=data_dir)
    [draft] = json.loads(as_json.stdout)
    assert draft["body"] == HOSTILE and draft["author"] == "Eve\x1b[8m"

    listed = kanal("draft", "list", data_dir=data_dir)
    assert "\x1b" not in listed.stdout and "\\x1b" in listed.stdout


def test_inbox_list_escapes_a_citizens_name_and_text(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    config = resolve_config(str(data_dir))
    store = Store(config.database_url, config.data_dir)
    store.migrate()
    try:
        account = add_account(store, "mastodon", "@kommunen")
        item = IncomingItem(
            remote_id="1",
            kind=InboxKind.MENTION,
            author_name="Troll\x1b]0;Kanal\x07\u202eevil",
            author_handle="@troll",
            author_avatar_url="",
            text="Varför\x1b[2J svarar ingen?\x9b",
            html="",
            created_at=datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
            remote_updated_at=None,
            parent_remote_id=None,
            root_post_remote_id=None,
            url="https://mastodon.example/@troll/1",
        )
        with store.unit_of_work() as uow:
            uow.inbox.store_page(account.id, Network.MASTODON, [item], cursor=None)
    finally:
        store.dispose()
    human = kanal("inbox", "list", data_dir=data_dir)
    assert human.returncode == 0, human.stderr
    assert all(ch.isprintable() for ch in human.stdout.replace("\n", ""))
    assert "Troll\\x1b]0;Kanal\\x07\\u202eevil" in human.stdout  # (cut after, not inside)
    assert "Varför\\x1b[2J svarar ingen?\\x9b" in human.stdout
    [as_json] = json.loads(kanal("inbox", "list", "--json", data_dir=data_dir).stdout)
    assert as_json["author_name"] == item.author_name and as_json["text"] == item.text
