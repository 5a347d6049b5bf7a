"""The publishing process the torture test kills: queue every draft, send until the queue is
empty, exit 0. Run as ``python -m tests.support.torture_runner DATA_DIR READ_TIMEOUT``."""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

from desktop_app.domain.drafts import DraftState
from desktop_app.engine.outbox import Outbox, OutboxSettings
from tests.support.engine import FAST_POLICY, connector_factory, open_store, use_test_keyring


def run(data_dir: Path, read_timeout: float, deadline_s: float = 300.0) -> int:
    use_test_keyring()
    store = open_store(data_dir)
    outbox = Outbox(
        store,
        connector_factory(read_timeout),
        settings=OutboxSettings(policy=FAST_POLICY, workers=8, idle_poll_s=0.1),
        rng=random.Random(),
    )
    outbox.start()
    try:
        with store.unit_of_work(read_only=True) as uow:
            drafts = uow.drafts.list(limit=10_000)
        for draft in sorted(drafts, key=lambda d: d.body):
            if draft.state in (DraftState.DRAFT, DraftState.APPROVED):
                outbox.submit(draft.id, "torture")
        end = time.monotonic() + deadline_s
        while outbox.queue_size() > 0 and time.monotonic() < end:
            time.sleep(0.1)
        remaining = outbox.queue_size()
    finally:
        outbox.stop()
        store.dispose()
    sys.stdout.write(json.dumps({"remaining": remaining}) + "\n")
    return 0 if remaining == 0 else 3


if __name__ == "__main__":
    sys.exit(run(Path(sys.argv[1]), float(sys.argv[2])))
