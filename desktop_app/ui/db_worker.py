"""The window's task runner under its former name, for code written against it.

New code uses ``desktop_app.ui.tasks.TaskRunner`` (the database lane is what this was)."""

from __future__ import annotations

from desktop_app.ui.tasks import StoreOpener, StoreUnavailable, TaskRunner

DatabaseWorker = TaskRunner

__all__ = ["DatabaseWorker", "StoreOpener", "StoreUnavailable"]
