"""The outbox: every chosen account gets the post exactly once.

Publishing a draft first writes one Publication per target account and commits it; only then
does any network call happen, so a crash at any moment leaves a record of what was meant to go
out. A dispatcher thread hands due publications to a pool of workers, at most one per account at
a time (so a fan-out to six accounts takes about as long as the slowest one, while each account
still sees its posts in order and its rate limits are respected).

Exactly once: a publication is marked ``sending`` (committed) before the request and ``sent``
with the platform's id after it. When the outcome is unknown (timeout or reset after sending, or
a crash between the two commits), the next step is always ``connector.find_post``: the post is
recorded as sent if the platform has it, and only otherwise sent again with the same idempotency
key. At start every publication left in ``sending`` by a process that is gone is treated so.

Two outboxes may run against one database (the window and a ``kanal publish``): a publication is
claimed with a compare-and-set before work starts. A claim names its outbox; an outbox holds an
OS file lock for its lifetime, so a claim of a killed process is recognised at once on the same
machine, and by its expiry time elsewhere.

No Qt here: progress is reported through plain callbacks, which the window adapts to signals.

The package, one module per job: ``submission`` (rules, images, queueing), ``dispatcher``
(threads, claims, recovery), ``delivery`` (the state machine of one publication), ``changes``
(cancel, reschedule), ``instance_lock``, with ``common`` and ``records`` shared; ``service``
puts them together as ``Outbox``.
"""

from desktop_app.engine.outbox.common import (
    INSTANCE_LOCK_DIR,
    PREPARED_MEDIA_DIR,
    SYSTEM_ACTOR,
    ConnectorFactory,
    OutboxCallbacks,
    OutboxSettings,
)
from desktop_app.engine.outbox.service import Outbox
from desktop_app.engine.outbox.submission import SubmitResult

__all__ = [
    "INSTANCE_LOCK_DIR",
    "PREPARED_MEDIA_DIR",
    "SYSTEM_ACTOR",
    "ConnectorFactory",
    "Outbox",
    "OutboxCallbacks",
    "OutboxSettings",
    "SubmitResult",
]
