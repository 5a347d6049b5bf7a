"""The Settings section's alt-text rule reaches the outbox; required unless someone relaxes it."""

from __future__ import annotations

from pathlib import Path

from desktop_app.app import build_services
from desktop_app.config import resolve_config
from desktop_app.services import Settings
from desktop_app.ui.preferences import Preferences, PreferencesStore, alt_text_required


def test_alt_text_is_required_by_default_and_a_person_may_relax_it(tmp_path: Path) -> None:
    assert alt_text_required(tmp_path) is True
    PreferencesStore(tmp_path).save(Preferences(alt_text_required=False))
    assert alt_text_required(tmp_path) is False


def test_the_rule_is_what_the_outbox_enforces(tmp_path: Path) -> None:
    config = resolve_config(str(tmp_path / "data"), user="karin")
    for required in (True, False):
        services = build_services(config, settings=Settings(require_alt_text=required))
        try:
            services.start_engines()
            assert services.outbox._settings.require_alt_text is required
        finally:
            services.close()
