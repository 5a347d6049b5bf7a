"""The window and a CLI command write the same SQLite file at once: nobody gets "locked"."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from desktop_app.store.database import Store
from desktop_app.store.migrations import head_revisions


def open_store(data_dir: Path) -> Store:
    """A store with its own engine, as a second process would have."""
    return Store(f"sqlite:///{(data_dir / 'kanal.sqlite3').as_posix()}", data_dir)


def run_together(count: int, work: Callable[[int], None]) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(count)

    def runner(n: int) -> None:
        try:
            barrier.wait()
            work(n)
        except BaseException as error:  # collected and asserted on below
            errors.append(error)

    threads = [threading.Thread(target=runner, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def test_simultaneous_first_starts_migrate_once(tmp_path: Path) -> None:
    stores = [open_store(tmp_path / "data") for _ in range(4)]
    errors = run_together(4, lambda n: stores[n].migrate())
    assert errors == []
    assert all(s.current_revisions() == head_revisions() for s in stores)
    for store in stores:
        store.dispose()


def test_simultaneous_writers_all_succeed(tmp_path: Path) -> None:
    first = open_store(tmp_path / "data")
    first.migrate()
    with first.unit_of_work() as uow:
        shared_id = uow.drafts.create(body="").id
    stores = [first, *(open_store(tmp_path / "data") for _ in range(3))]

    def write(n: int) -> None:
        for i in range(40):
            with stores[n].unit_of_work() as uow:
                # Read, then write in the same transaction: the pattern that fails with
                # "database is locked" if two deferred transactions race to upgrade.
                current = uow.drafts.require(shared_id).body
                uow.drafts.update(shared_id, body=f"{current}{n}")
                uow.drafts.create(body=f"writer {n} draft {i}")

    errors = run_together(4, write)
    assert errors == []
    with first.unit_of_work(read_only=True) as uow:
        body = uow.drafts.require(shared_id).body
        assert uow.drafts.count() == 1 + 4 * 40
    # Every read-modify-write landed: no lost update.
    assert sorted(body) == sorted("0123" * 40)
    for store in stores:
        store.dispose()
