"""While Kanal runs, the periodic snapshots are written on schedule, without anyone asking."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

from desktop_app.engine.records import settings as records_settings
from desktop_app.engine.records.keeper import SnapshotKeeper
from tests.support.records import add_account, incoming, receive, sealed_store


def test_the_keeper_writes_completed_periods_into_the_folder_once(tmp_path: Path) -> None:
    store = sealed_store(tmp_path)
    share = tmp_path / "share"
    try:
        account = add_account(store)
        receive(store, account, [incoming("c1", "Hej")])  # received 2026-11-20
        with store.unit_of_work() as uow:
            records_settings.save(uow, "it", snapshot_folder=str(share))
        keeper = SnapshotKeeper(
            store, interval_s=0.05, clock=lambda: datetime(2027, 7, 2, tzinfo=UTC)
        )
        keeper.start()
        deadline = time.monotonic() + 60
        while len(keeper.written) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)  # a few more wakes: nothing is written twice
        keeper.stop()
        assert len(keeper.written) == 2
        assert sorted(p.name for p in share.iterdir()) == sorted(
            Path(w).name for w in keeper.written
        )
    finally:
        store.dispose()


def test_a_missing_folder_setting_writes_nothing_and_stops_cleanly(tmp_path: Path) -> None:
    store = sealed_store(tmp_path)
    try:
        keeper = SnapshotKeeper(store, interval_s=0.05)
        keeper.start()
        time.sleep(0.2)
        keeper.stop()
        assert keeper.written == []
    finally:
        store.dispose()
