"""Several desks of one department: each with its own data folder and keyring, one team store
(a fresh schema of the test PostgreSQL), the sandbox on loopback.

A desk runs Kanal's real command line, in-process (``Desk.kanal``) or as its own process
(``Desk.start``), with its own environment: KANAL_DATA_DIR, KANAL_USER, KANAL_TEAM_URL and an
XDG data folder that holds its keyring file.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

from desktop_app.cli.main import main
from desktop_app.engine.team import TeamService, TeamSync
from desktop_app.sandbox.server import SandboxServer
from desktop_app.store.database import Store
from desktop_app.store.team_store import TeamStore

REPO = Path(__file__).resolve().parents[2]
KEYRING_BACKEND = "keyrings.alt.file.PlaintextKeyring"  # tests only


def postgres_url() -> str:
    url = os.environ.get("KANAL_TEST_POSTGRES_URL")
    if not url:
        pytest.skip('no PostgreSQL: eval "$(bash .ci/setup-postgres.sh)"')
    return url


@contextlib.contextmanager
def team_schema(base_url: str) -> Iterator[str]:
    """A URL whose connections use a new, empty schema; dropped afterwards."""
    schema = f"kanal_team_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base_url else "?"
    try:
        yield f"{base_url}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def unreachable_url() -> str:
    """A PostgreSQL URL on a loopback port nothing listens on (the store is 'offline')."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"postgresql+psycopg://nobody:nothing@127.0.0.1:{port}/kanal"


@dataclass
class Desk:
    """One workstation: a person, a data folder, a keyring, the team store's URL."""

    user: str
    folder: Path
    team_url: str

    @property
    def data_dir(self) -> Path:
        return self.folder / "data"

    def env(self, team_url: str | None = None) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            KANAL_DATA_DIR=str(self.data_dir),
            KANAL_USER=self.user,
            KANAL_TEAM_URL=team_url or self.team_url,
            XDG_DATA_HOME=str(self.folder / "keyring"),
            PYTHON_KEYRING_BACKEND=KEYRING_BACKEND,
        )
        return env

    @contextlib.contextmanager
    def environment(self, team_url: str | None = None) -> Iterator[None]:
        saved = dict(os.environ)
        os.environ.clear()
        os.environ.update(self.env(team_url))
        try:
            yield
        finally:
            os.environ.clear()
            os.environ.update(saved)

    def kanal(self, *args: str, team_url: str | None = None) -> tuple[int, str, str]:
        """Run one command in-process as this desk: (exit code, stdout, stderr)."""
        out, err = io.StringIO(), io.StringIO()
        with (
            self.environment(team_url),
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
        ):
            code = main(list(args))
        return code, out.getvalue(), err.getvalue()

    def json(self, *args: str, team_url: str | None = None) -> Any:
        code, out, err = self.kanal(*args, "--json", team_url=team_url)
        assert code == 0, f"{self.user}: kanal {' '.join(args)} -> {code}: {err}"
        return json.loads(out)

    def start(self, *args: str) -> subprocess.Popen[str]:
        """Run one command as its own process (two desks at once)."""
        env = self.env()
        env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
        return subprocess.Popen(
            [sys.executable, "-m", "desktop_app", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=REPO,
        )

    def connect(self, sandbox: SandboxServer, networks: tuple[str, ...]) -> dict[str, str]:
        """Connect this desk to the sandbox's demo accounts; network -> local account id."""
        ids: dict[str, str] = {}
        platforms = sandbox.platforms()
        for network in networks:
            info = platforms[network]
            args = ["accounts", "add", "--network", network, "--base-url", info["base_url"]]
            for key, value in info["credentials"].items():
                args += [f"--{key.replace('_', '-')}", str(value)]
            ids[network] = self.json(*args)["id"]
        return ids

    @contextlib.contextmanager
    def engine(self, team_url: str | None = None) -> Iterator[tuple[TeamService, TeamSync]]:
        """This desk's team service and sync, for tests below the command line."""
        store = Store(f"sqlite:///{(self.data_dir / 'kanal.sqlite3').as_posix()}", self.data_dir)
        store.migrate()
        team = TeamStore(team_url or self.team_url, pooled=False)
        service = TeamService(store, team, self.user)
        try:
            yield service, TeamSync(store, team, service)
        finally:
            team.dispose()
            store.dispose()


@pytest.fixture
def team_url() -> Iterator[str]:
    with team_schema(postgres_url()) as url:
        yield url


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    server = SandboxServer(host="127.0.0.1", port=0, seed=14, hang_seconds=3.0)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def desk(tmp_path: Path, team_url: str, user: str) -> Desk:
    folder = tmp_path / f"desk-{user}"
    (folder / "keyring").mkdir(parents=True, exist_ok=True)
    return Desk(user, folder, team_url)
