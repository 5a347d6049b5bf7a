"""The simulated public: deterministic under the seed, the hard cases, bounded memory."""

from __future__ import annotations

import re
import time
import unicodedata
from typing import Any

import requests

from desktop_app.sandbox.core import PUBLIC_ITEMS_PER_ACCOUNT
from desktop_app.sandbox.server import SandboxServer


def public_texts(state: dict[str, Any]) -> list[str]:
    platforms = state["platforms"]
    texts = [c["content"] for c in platforms["wordpress"]["comments"] if c["public"]]
    texts += [c["message"] for c in platforms["facebook"]["comments"] if c["public"]]
    texts += [p["message"] for p in platforms["facebook"]["posts"] if p["from"]["id"] not in
              {page["id"] for page in platforms["facebook"]["pages"]}]  # fmt: skip
    texts += [p["text"] for p in platforms["x"]["posts"] if p["public"]]
    texts += [s["text"] for s in platforms["mastodon"]["statuses"] if s["public"]]
    texts += [r["value"]["text"] for r in platforms["bluesky"]["records"] if r["public"]]
    return texts


def simulate(seed: int, minutes: float, rate: float) -> SandboxServer:
    server = SandboxServer(port=0, seed=seed, public_rate=rate)
    server.start()
    server.advance(minutes=minutes)
    return server


def test_the_same_seed_gives_the_same_public() -> None:
    first, second, other = simulate(4, 10, 30), simulate(4, 10, 30), simulate(5, 10, 30)
    try:
        texts = public_texts(first.state())
        assert len(texts) >= 290  # 30 a minute for 10 simulated minutes
        assert texts == public_texts(second.state())
        assert texts != public_texts(other.state())
        authors = [p["author"] for p in first.state()["platforms"]["x"]["posts"] if p["public"]]
        assert authors == [
            p["author"] for p in second.state()["platforms"]["x"]["posts"] if p["public"]
        ]
    finally:
        for server in (first, second, other):
            server.stop()


def test_the_hard_cases_turn_up() -> None:
    server = simulate(1, 60, 20)
    try:
        state = server.state()
        texts = public_texts(state)
        joined = "\n".join(texts)
        assert "<script>" in joined  # injection attempts (kept as text where the platform keeps it)
        assert re.search(r'<img src="http://tracker', joined)
        assert any(len(text) >= 20_000 for text in texts)
        assert re.search("[\U0001f3fb-\U0001f3ff]", joined)  # skin-tone modifiers
        assert "\u200d" in joined  # zero-width joiners (family emoji, hidden characters)
        assert "\u200b" in joined
        assert any(unicodedata.bidirectional(char) in ("R", "AL") for char in joined)
        assert "http://spam.example" in joined
        assert any(word in joined for word in ("plogas", "äldreboende", "gymnasievalet", "bygglov",
                                                "biblioteket"))  # fmt: skip
        # WordPress filters markup like the real site does: no script tags reach its comments.
        assert not any(
            "<script" in c["content"] for c in state["platforms"]["wordpress"]["comments"]
        )
        # Replies to replies: a reply whose parent is itself a reply.
        x_posts = {p["id"]: p for p in state["platforms"]["x"]["posts"]}
        nested = [
            p for p in x_posts.values()
            if p["in_reply_to"] in x_posts and x_posts[p["in_reply_to"]]["in_reply_to"] is not None
        ]  # fmt: skip
        assert nested
        wp_comments = {c["id"]: c for c in state["platforms"]["wordpress"]["comments"]}
        assert any(
            c["parent"] and wp_comments.get(c["parent"], {}).get("parent")
            for c in wp_comments.values()
        )
    finally:
        server.stop()


def test_memory_stays_bounded_over_an_hour_of_simulated_time() -> None:
    server = simulate(2, 60, 200)  # 12,000 items in an hour, 2,400 per platform
    try:
        assert server._public.staged >= 11_000
        cap = PUBLIC_ITEMS_PER_ACCOUNT

        def check_caps() -> None:
            platforms = server.state()["platforms"]
            assert sum(1 for c in platforms["wordpress"]["comments"] if c["public"]) <= cap
            assert sum(1 for c in platforms["facebook"]["comments"] if c["public"]) <= cap
            assert (
                sum(
                    1
                    for p in platforms["facebook"]["posts"]
                    if p["from"]["name"] != "Sandvikens kommun"
                )
                <= cap
            )
            assert (
                sum(1 for p in platforms["x"]["posts"] if p["public"]) == cap
            )  # pruned to the cap
            assert sum(1 for s in platforms["mastodon"]["statuses"] if s["public"]) == cap
            assert platforms["mastodon"]["notifications"] <= 2 * cap
            assert sum(1 for r in platforms["bluesky"]["records"] if r["public"]) == cap
            assert platforms["bluesky"]["notifications"] <= 2 * cap

        check_caps()
        server.advance(minutes=30)  # more time, no more memory
        check_caps()
    finally:
        server.stop()


def test_the_public_speaks_in_real_time_too(http: requests.Session) -> None:
    server = SandboxServer(port=0, seed=9, public_rate=600)  # ten a second
    server.start()
    try:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and server._public.staged < 10:
            time.sleep(0.2)
        assert server._public.staged >= 10
        info = server.platforms()["x"]
        mentions = http.get(
            f"{info['base_url']}/2/users/{info['user_id']}/mentions",
            headers={"Authorization": "Bearer " + info["credentials"]["access_token"]},
            timeout=5,
        ).json()
        assert mentions["meta"]["result_count"] >= 1
    finally:
        server.stop()


def test_a_backlog_adds_the_same_citizens_each_time_without_moving_the_clock() -> None:
    def backlog() -> tuple[list[str], int, float, float]:
        server = SandboxServer(port=0, seed=5)
        server.start()
        try:
            before = len(public_texts(server.state()))
            clock_before = server.clock.now()
            staged = server.stage_backlog(20, hours=30)
            return public_texts(server.state()), staged + before, clock_before, server.clock.now()
        finally:
            server.stop()

    first_texts, first_total, clock_before, clock_after = backlog()
    second_texts, _, _, _ = backlog()
    assert len(first_texts) == first_total
    assert first_texts == second_texts
    assert clock_after - clock_before < 5  # the clock was not advanced by 30 hours
