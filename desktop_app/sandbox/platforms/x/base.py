"""The X emulator's state and the error answers every part of it gives."""

from __future__ import annotations

from collections import OrderedDict, deque
from typing import Any

from desktop_app.sandbox.core import Response, iso_z, json_response
from desktop_app.sandbox.platforms.base import Platform
from desktop_app.sandbox.platforms.x.common import PROBLEM, problem


class XBase(Platform):
    """Users, posts, media and tokens; the modules of the X emulator are mixins over this."""

    name = "x"

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx)
        self._id_counter = 1_860_000_000_000_000_000 + (ctx.seed % 1000) * 1_000_000
        self.users: dict[str, dict[str, Any]] = {}
        self.users_by_name: dict[str, str] = {}
        self.tweets: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self.media: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self.clients: dict[str, dict[str, Any]] = {}
        self.codes: dict[str, dict[str, Any]] = {}
        self.access_tokens: dict[str, dict[str, Any]] = {}
        self.refresh_tokens: dict[str, dict[str, Any]] = {}
        self.oauth1_consumers: dict[str, str] = {}
        self.oauth1_tokens: dict[str, tuple[str, str]] = {}
        self._nonces: deque[str] = deque(maxlen=10_000)
        self._nonce_set: set[str] = set()
        self._tco = 0
        self.account_id = ""
        self._demo: dict[str, Any] = {}

    # --- ids, users, tokens --------------------------------------------------------------------

    def _next_id(self) -> str:
        self._id_counter += 1 + (self._id_counter % 7)
        return str(self._id_counter)

    def _user(self, username: str, name: str, citizen: bool) -> dict[str, Any]:
        key = username.lower()
        if key in self.users_by_name:
            return self.users[self.users_by_name[key]]
        user: dict[str, Any] = {
            "id": str(1_500_000_000 + len(self.users) * 7919 + self.ctx.seed % 97),
            "username": username,
            "name": name,
            "created_at": iso_z(self.clock.now() - 86400 * 900, millis=True),
            "description": "" if citizen else "Officiellt konto för Sandvikens kommun (sandlåda).",
            "protected": False,
            "verified": False,
            "citizen": citizen,
        }
        self.users[user["id"]] = user
        self.users_by_name[key] = user["id"]
        return user

    # --- errors --------------------------------------------------------------------------------

    def _error(
        self, status: int, payload: Any, headers: list[tuple[str, str]] | None = None
    ) -> Response:
        return json_response(status, payload, headers, content_type=PROBLEM)

    def _unauthorized(self) -> Response:
        return self._error(401, problem(401, "Unauthorized", "Unauthorized"))

    def _forbidden(self, detail: str = "Forbidden") -> Response:
        return self._error(403, problem(403, "Forbidden", detail))

    def _invalid(
        self,
        message: str,
        parameters: dict[str, list[str]] | None = None,
        problems: str = "https://api.twitter.com/2/problems",
    ) -> Response:
        """X's invalid-request problem; ``problems`` is the type prefix the operation's
        document version uses (the media upload is described by v2.167, under api.x.com)."""
        error: dict[str, Any] = {"message": message}
        if parameters:
            error["parameters"] = parameters
        payload = {
            "errors": [error],
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": f"{problems}/invalid-request",
        }
        return json_response(400, payload, content_type=PROBLEM)

    def _too_many(self, reset: float, limit: int) -> Response:
        headers = [
            ("x-rate-limit-limit", str(limit)),
            ("x-rate-limit-remaining", "0"),
            ("x-rate-limit-reset", str(int(reset))),
        ]
        return self._error(429, problem(429, "Too Many Requests", "Too Many Requests"), headers)

    def _not_found(self, value: str, parameter: str = "id", kind: str = "tweet") -> Response:
        return json_response(200, {"errors": [self._not_found_error(value, parameter, kind)]})

    @staticmethod
    def _not_found_error(value: str, parameter: str = "id", kind: str = "tweet") -> dict[str, Any]:
        return {
            "value": value,
            "detail": f"Could not find {kind} with {parameter}: [{value}].",
            "title": "Not Found Error",
            "resource_type": kind,
            "parameter": parameter,
            "resource_id": value,
            "type": "https://api.twitter.com/2/problems/resource-not-found",
        }
