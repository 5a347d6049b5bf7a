"""Fault specs (``ENDPOINT_GLOB:KIND[:RATE]``) and the seeded dice that decide when they fire."""

from __future__ import annotations

import fnmatch
import random
import threading
from dataclasses import dataclass

KINDS = (
    "latency",
    "status",
    "ratelimit",
    "reset",
    "hang",
    "commit-drop",
    "bad-json",
    "expired-token",
)
# Kinds that end the request (at most one applies); latency only delays it.
TERMINAL_KINDS = KINDS[1:]


@dataclass(frozen=True)
class FaultRule:
    """One parsed spec: which requests, what happens, how often."""

    spec: str
    method: str | None  # None: any method
    path_glob: str
    kind: str
    value: int | None  # milliseconds for latency, the HTTP status for status
    rate: float

    def matches(self, method: str, paths: tuple[str, ...]) -> bool:
        if self.method is not None and self.method != method:
            return False
        return any(fnmatch.fnmatchcase(path, self.path_glob) for path in paths)


def parse_fault(spec: str) -> FaultRule:
    """Parse ``[METHOD ]PATH_GLOB:KIND[:RATE]``; raises ValueError with a readable message."""
    text = spec.strip()
    endpoint, kind_text, rate = _split_spec(text)
    kind, _, value_text = kind_text.partition("=")
    kind = kind.strip().lower()
    if kind not in KINDS:
        raise ValueError(f"unknown fault kind {kind!r} in {spec!r}; one of {', '.join(KINDS)}")
    value: int | None = None
    if kind in ("latency", "status"):
        if not value_text.strip().isdigit():
            raise ValueError(
                f"{kind} needs a number, e.g. {kind}={500 if kind == 'status' else 200}"
            )
        value = int(value_text)
        if kind == "status" and not 100 <= value <= 599:
            raise ValueError(f"status must be an HTTP status code, got {value}")
    elif value_text:
        raise ValueError(f"{kind} takes no value in {spec!r}")
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"rate must be between 0 and 1 in {spec!r}")
    method_text, _, path = endpoint.partition(" ")
    method: str | None
    if path:
        method, path_glob = method_text.upper(), path.strip()
        if method == "*":
            method = None
    else:
        method, path_glob = None, method_text
    if not path_glob:
        raise ValueError(f"no endpoint in {spec!r}")
    return FaultRule(text, method, path_glob, kind, value, rate)


def _split_spec(text: str) -> tuple[str, str, float]:
    parts = text.rsplit(":", 2)
    if len(parts) == 3:
        endpoint, kind_text, rate_text = parts
        try:
            return endpoint, kind_text, float(rate_text)
        except ValueError:
            pass
    endpoint, sep, kind_text = text.rpartition(":")
    if not sep:
        raise ValueError(f"fault spec {text!r} is not ENDPOINT_GLOB:KIND[:RATE]")
    return endpoint, kind_text, 1.0


@dataclass(frozen=True)
class FaultDecision:
    """What to do with one request: extra latency plus at most one terminal fault."""

    latency_ms: int
    terminal: FaultRule | None


class FaultPlan:
    """The active rules; each rule rolls its own seeded dice, so outcomes repeat under a seed."""

    def __init__(self, seed: int, specs: list[str]) -> None:
        self._seed = seed
        self._lock = threading.Lock()
        self._rules: list[tuple[FaultRule, random.Random]] = []
        self.replace(specs)

    def replace(self, specs: list[str]) -> None:
        rules = [parse_fault(spec) for spec in specs]  # parse all before changing anything
        with self._lock:
            self._rules = [
                (rule, random.Random(f"{self._seed}:{index}:{rule.spec}"))
                for index, rule in enumerate(rules)
            ]

    def specs(self) -> list[str]:
        with self._lock:
            return [rule.spec for rule, _ in self._rules]

    def decide(self, method: str, paths: tuple[str, ...]) -> FaultDecision:
        latency = 0
        terminal: FaultRule | None = None
        with self._lock:
            for rule, dice in self._rules:
                if not rule.matches(method, paths):
                    continue
                fires = rule.rate >= 1.0 or dice.random() < rule.rate
                if not fires:
                    continue
                if rule.kind == "latency":
                    latency += rule.value or 0
                elif terminal is None:
                    terminal = rule
        return FaultDecision(latency, terminal)
