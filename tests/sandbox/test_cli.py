"""``kanal sandbox serve --port 0`` as a subprocess, used with the credentials it prints."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def served() -> Iterator[dict[str, Any]]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "desktop_app",
            "sandbox",
            "serve",
            "--port",
            "0",
            "--seed",
            "3",
            "--fault",
            "GET /2/tweets/*:status=503",
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        ready = json.loads(line)
        yield ready
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        assert process.stdout is not None
        assert process.stdout.read() == ""  # exactly one line on stdout


def test_serve_prints_one_ready_line_and_the_credentials_work(served: dict[str, Any]) -> None:
    platforms = served["platforms"]
    assert served["base_url"].startswith("http://127.0.0.1:")
    http = requests.Session()
    http.trust_env = False

    x = platforms["x"]
    me = http.get(
        f"{x['base_url']}/2/users/me",
        headers={"Authorization": "Bearer " + x["credentials"]["access_token"]},
        timeout=5,
    )
    assert me.status_code == 200 and me.json()["data"]["username"] == x["username"]
    tweet = http.post(
        f"{x['base_url']}/2/tweets",
        json={"text": "Från kommandoraden"},
        headers={"Authorization": "Bearer " + x["credentials"]["access_token"]},
        timeout=5,
    )
    assert tweet.status_code == 201
    faulted = http.get(
        f"{x['base_url']}/2/tweets/{tweet.json()['data']['id']}",
        headers={"Authorization": "Bearer " + x["credentials"]["access_token"]},
        timeout=5,
    )
    assert faulted.status_code == 503  # the --fault option is in force

    facebook = platforms["facebook"]
    accounts = http.get(
        f"{facebook['base_url']}/v25.0/me/accounts",
        params={"access_token": facebook["credentials"]["access_token"]},
        timeout=5,
    )
    assert accounts.status_code == 200 and accounts.json()["data"][0]["access_token"]

    wordpress = platforms["wordpress"]
    auth = (wordpress["credentials"]["username"], wordpress["credentials"]["application_password"])
    home = http.get(f"{wordpress['base_url']}/", timeout=5)
    assert 'rel="https://api.w.org/"' in home.headers["Link"]
    post = http.post(
        f"{wordpress['base_url']}/wp-json/wp/v2/posts",
        json={"title": "CLI", "status": "publish"},
        auth=auth,
        timeout=5,
    )
    assert post.status_code == 201

    state = http.get(f"{served['base_url']}/_sandbox/state", timeout=5).json()
    assert "Från kommandoraden" in [p["text"] for p in state["platforms"]["x"]["posts"]]


def test_bad_fault_spec_fails_with_one_line() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "desktop_app", "sandbox", "serve", "--fault", "POST /2/tweets:boom"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert result.returncode != 0
    assert result.stdout == ""
    assert result.stderr.strip().count("\n") == 0 and "fault" in result.stderr


@pytest.mark.parametrize("option", [["--latency-ms", "-5"], ["--public-rate", "-1"]])
def test_negative_latency_or_public_rate_fails_with_one_line(option: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "desktop_app", "sandbox", "serve", *option],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert result.returncode != 0
    assert result.stdout == ""
    assert result.stderr.strip().count("\n") == 0 and result.stderr.startswith("kanal: ")
