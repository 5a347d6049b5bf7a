"""Thread splitting, the retry policy, scheduling plans and image preparation."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from desktop_app.domain.errors import (
    AuthExpired,
    OutcomeUnknown,
    RateLimited,
    Rejected,
    TemporaryFailure,
)
from desktop_app.domain.networks import Network
from desktop_app.domain.text_rules import measure
from desktop_app.domain.threads import ThreadTooLong, split_thread
from desktop_app.engine import scheduler
from desktop_app.engine.media_prep import (
    MediaPrepError,
    MediaTarget,
    media_target_for,
    prepare_image,
)
from desktop_app.engine.retry import Action, RetryPolicy, decide

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def x_length(text: str) -> int:
    return measure(Network.X, text).length


SWEDISH = (
    "Plogbilarna är ute i natt på alla huvudvägar i kommunen. Räkna med halka på gång- och "
    "cykelvägar fram till morgonen. Ställ inte bilen på gatan om du bor längs en bussgata, "
    "då kan den bli bortforslad. Följ läget på https://kommun.example.se/vinterväghållning "
    "och ring kundtjänst på 026-17 80 00 om något är akut. 🚜❄️ Tack för ert tålamod! "
) * 3


def test_text_that_fits_is_one_part_without_a_number() -> None:
    assert split_thread("Kort text.", x_length, 280) == ["Kort text."]


def test_long_text_becomes_numbered_parts_within_the_limit_and_loses_nothing() -> None:
    parts = split_thread(SWEDISH, x_length, 280)
    assert len(parts) >= 3
    total = len(parts)
    for index, part in enumerate(parts, start=1):
        assert part.endswith(f"\n{index}/{total}")
        assert measure(Network.X, part).valid, part
    rebuilt = " ".join(p.rsplit("\n", 1)[0] for p in parts)
    assert rebuilt.split() == SWEDISH.split()


def test_a_word_longer_than_a_post_is_cut() -> None:
    parts = split_thread("a" * 700, x_length, 280)
    assert "".join(p.rsplit("\n", 1)[0] for p in parts) == "a" * 700
    assert all(x_length(p) <= 280 for p in parts)


def test_too_many_parts_is_refused() -> None:
    with pytest.raises(ThreadTooLong):
        split_thread("ord " * 5000, x_length, 280, max_parts=5)


def test_rate_limit_waits_until_the_platforms_reset() -> None:
    policy = RetryPolicy()
    decision = decide(
        RateLimited("429", NOW + timedelta(seconds=90)), 1, NOW, policy, random.Random(1)
    )
    assert decision.action == Action.RETRY_LATER
    assert decision.not_before == NOW + timedelta(seconds=90)


def test_temporary_failure_backs_off_exponentially_with_jitter_and_a_cap() -> None:
    policy = RetryPolicy(base_delay_s=1.0, max_delay_s=30.0)
    rng = random.Random(7)
    delays = []
    for attempt in range(1, 12):
        decision = decide(TemporaryFailure("503"), attempt, NOW, policy, rng)
        assert decision.action == Action.RETRY_LATER
        assert decision.not_before is not None
        delays.append((decision.not_before - NOW).total_seconds())
    assert all(0.5 <= d <= 30.0 for d in delays)
    assert max(delays[:2]) <= 2.0  # early attempts stay short
    assert max(delays[6:]) > 8.0  # later ones grow towards the cap
    # jitter: the same attempt does not always wait the same time
    same = {round(policy.backoff_s(6, rng), 3) for _ in range(20)}
    assert len(same) > 10


def test_other_errors_map_to_their_actions() -> None:
    policy, rng = RetryPolicy(), random.Random(1)
    assert decide(AuthExpired("401"), 1, NOW, policy, rng).action == Action.PAUSE_ACCOUNT
    rejected = decide(Rejected("422", "Texten är för lång"), 1, NOW, policy, rng)
    assert (rejected.action, rejected.reason) == (Action.FAIL, "Texten är för lång")
    assert decide(OutcomeUnknown("timeout"), 1, NOW, policy, rng).action == Action.VERIFY


def test_schedule_plans() -> None:
    soon = NOW + timedelta(minutes=3)
    later = NOW + timedelta(hours=5)
    far = NOW + timedelta(days=40)
    assert scheduler.plan(Network.X, later, NOW).platform is False
    assert scheduler.plan(Network.X, later, NOW).not_before == later
    assert scheduler.plan(Network.X, later, NOW).note == scheduler.LOCAL_SCHEDULE_NOTE
    assert scheduler.plan(Network.FACEBOOK, later, NOW).platform is True
    assert scheduler.plan(Network.FACEBOOK, later, NOW).not_before is None
    # too soon for Facebook's 10-minute minimum: kept locally
    assert scheduler.plan(Network.FACEBOOK, soon, NOW).platform is False
    # too far for Facebook: handed over once within its window
    plan_far = scheduler.plan(Network.FACEBOOK, far, NOW)
    assert plan_far.platform and plan_far.not_before == far - timedelta(days=30)
    assert scheduler.plan(Network.MASTODON, later, NOW).platform is True
    assert scheduler.plan(Network.WORDPRESS, soon, NOW).platform is True
    assert scheduler.plan(Network.BLUESKY, NOW - timedelta(minutes=1), NOW).scheduled_at is None


def _photo(path: Path, size: tuple[int, int], mode: str = "RGB") -> Path:
    rng = random.Random(3)
    # Noise compresses badly, like a photo: exercises the size limit.
    image = Image.frombytes(mode, size, rng.randbytes(size[0] * size[1] * len(mode)))
    exif = Image.Exif()
    exif[0x010F] = "KameraTillverkare"  # Make
    image.save(path, exif=exif.tobytes()) if path.suffix == ".jpg" else image.save(path)
    return path


def test_an_image_is_resized_re_encoded_and_stripped_of_metadata(tmp_path: Path) -> None:
    source = _photo(tmp_path / "foto.jpg", (2600, 1400))
    target = media_target_for(Network.BLUESKY)
    prepared = prepare_image(source, target, tmp_path / "out")
    assert prepared.size_bytes <= target.max_bytes == 2_000_000  # the current lexicon
    assert max(prepared.width, prepared.height) <= 2000
    with Image.open(prepared.path) as result:
        assert result.format == "JPEG"
        assert not result.getexif()
    again = prepare_image(source, target, tmp_path / "out")
    assert again.path == prepared.path and again.sha256 == prepared.sha256


def test_png_photo_too_big_becomes_jpeg_and_transparency_stays_png(tmp_path: Path) -> None:
    big = _photo(tmp_path / "skarm.png", (1200, 1200))
    prepared = prepare_image(big, MediaTarget(400_000, 2000, ("image/jpeg", "image/png")), tmp_path)
    assert prepared.mime_type == "image/jpeg" and prepared.size_bytes <= 400_000
    logo = tmp_path / "logo.png"
    Image.new("RGBA", (300, 200), (0, 90, 160, 128)).save(logo)
    kept = prepare_image(logo, media_target_for(Network.X), tmp_path / "o2")
    assert kept.mime_type == "image/png"


def test_a_corrupt_or_vanished_image_gives_a_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "trasig.jpg"
    broken.write_bytes(b"\xff\xd8\xff not really a jpeg")
    with pytest.raises(MediaPrepError, match=r"trasig\.jpg"):
        prepare_image(broken, media_target_for(Network.X), tmp_path / "out")
    with pytest.raises(MediaPrepError, match="no longer there"):
        prepare_image(tmp_path / "borta.jpg", media_target_for(Network.X), tmp_path / "out")
