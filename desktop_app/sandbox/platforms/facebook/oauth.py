"""Facebook Login: the dialog, both token exchanges, ``debug_token``, ``/me/accounts``."""

from __future__ import annotations

import json
from typing import Any

from desktop_app.sandbox.core import Request, Response, json_response
from desktop_app.sandbox.platforms.base import consent_decision, consent_page
from desktop_app.sandbox.platforms.facebook.base import (
    LONG_LIVED_S,
    SHORT_LIVED_S,
    FacebookBase,
    encode_cursor,
)

APP_NAME = "Kanal (sandbox)"
PAGE_TASKS = ["ANALYZE", "ADVERTISE", "MESSAGING", "MODERATE", "CREATE_CONTENT", "MANAGE"]


class FacebookOAuth(FacebookBase):
    """The app's sign-in surface; redirect URIs must be on the app's list, exactly."""

    def _dialog(self, req: Request) -> Response:
        redirect_uri = req.arg("redirect_uri") or ""
        if req.arg("client_id") != self.app_id:
            return _html_error("Invalid App ID: the app id in the request is not a valid app.")
        if redirect_uri not in self.redirect_uris:
            # Strict mode: exact match only; dynamic data belongs in `state`.
            return _html_error(
                "URL blocked: This redirect failed because the redirect URI is not white-listed "
                "in the app's client OAuth settings. Make sure that the client and web OAuth "
                "logins are on and add all your app domains as valid OAuth redirect URIs."
            )
        scopes = [s for s in (req.arg("scope") or "").replace(" ", ",").split(",") if s]
        if req.method == "GET":
            return consent_page("Facebook", APP_NAME, scopes, self.user["name"])
        code = self.fresh_secret("AQ", 64)
        self.codes[code] = {
            "redirect_uri": redirect_uri,
            "expires": self.clock.now() + 600,
            "scopes": [*scopes, "public_profile"],
        }
        return consent_decision(req, redirect_uri, req.arg("state"), code)

    def _access_token(self, req: Request) -> Response:
        if req.param("client_id") != self.app_id:
            return self._error("Error validating application. Invalid application ID.", 101)
        if req.param("client_secret") != self.app_secret:
            return self._error("Error validating client secret.", 1)
        if req.param("grant_type") == "fb_exchange_token":
            old_token = req.param("fb_exchange_token") or ""
            old = self.user_tokens.get(old_token)
            if old is None:
                return self._error("Invalid OAuth access token - Cannot parse access token", 190)
            problem = self.token_problem(old_token)
            if problem is not None:
                return problem  # an expired token cannot be exchanged
            return self._grant(LONG_LIVED_S, old["scopes"])
        code = self.codes.pop(req.param("code") or "", None)
        if code is None or code["expires"] < self.clock.now():
            return self._error("Invalid verification code format.", 100)
        if req.param("redirect_uri") != code["redirect_uri"]:
            return self._error(
                "Error validating verification code. Please make sure your redirect_uri is "
                "identical to the one you used in the OAuth dialog request",
                100,
            )
        return self._grant(SHORT_LIVED_S, code["scopes"])

    def _grant(self, lifetime: int, scopes: list[str]) -> Response:
        entry = self.issue_user_token(lifetime, scopes)
        return json_response(
            200, {"access_token": entry["token"], "token_type": "bearer", "expires_in": lifetime}
        )

    def _debug_token(self, req: Request) -> Response:
        """``GET /debug_token?input_token=…`` with the app token or a valid token of the app."""
        caller = self._token(req) or ""
        if caller != f"{self.app_id}|{self.app_secret}":
            if self.token_problem(caller) is not None:
                return self._error("Invalid OAuth access token - Cannot parse access token", 190)
            if self.debug_needs_app_token:
                return self._error(
                    "(#100) You must provide an app access token, or a user access token that is "
                    "an owner or developer of the app",
                    100,
                )
        token = req.param("input_token") or ""
        user = self.user_tokens.get(token)
        page = self.page_tokens.get(token)
        if user is None and page is None:
            return self._error("(#100) The parameter input_token is required", 100)
        entry = user if user is not None else page
        assert entry is not None
        issued = int(entry["issued"])
        expires = entry["expires"]
        owner = self.user_tokens.get(page["user_token"]) if page is not None else user
        problem = self.token_problem(token)
        data: dict[str, Any] = {
            "app_id": self.app_id,
            "type": "USER" if user is not None else "PAGE",
            "application": APP_NAME,
            "data_access_expires_at": issued + 90 * 86400,
            "expires_at": 0 if expires is None else int(expires),
            "is_valid": problem is None,
            "issued_at": issued,
            "scopes": list(entry["scopes"]),
            "granular_scopes": [{"scope": s} for s in entry["scopes"] if s != "public_profile"],
            "user_id": str(owner["user_id"]) if owner else self.user["id"],
        }
        if page is not None:
            data["profile_id"] = page["page_id"]
        if problem is not None:
            error = json.loads(problem.body)["error"]
            data["error"] = {
                "code": error["code"],
                "message": error["message"],
                "subcode": error.get("error_subcode", 0),
            }
        return json_response(200, {"data": data})

    def _permissions(self, req: Request) -> Response:
        """``GET /me/permissions`` of a user token: each scope granted (or declined)."""
        entry = self.user_tokens.get(self._token(req) or "")
        if entry is None:
            return self._error("(#100) Tried accessing nonexisting field (permissions)", 100)
        data = [{"permission": s, "status": "granted"} for s in entry["scopes"]]
        return json_response(200, {"data": data})

    def _accounts(self, req: Request, version: str) -> Response:
        token = self._token(req) or ""
        data = [
            {
                "access_token": self.page_token_for(token, page_id),
                "category": page["category"],
                "category_list": [{"id": "2235", "name": page["category"]}],
                "name": page["name"],
                "id": page_id,
                "tasks": list(PAGE_TASKS),
            }
            for page_id, page in self.pages.items()
        ]
        paging = {
            "cursors": {
                "before": encode_cursor(data[0]["id"]),
                "after": encode_cursor(data[-1]["id"]),
            }
        }
        return json_response(200, {"data": data, "paging": paging})


def _html_error(text: str) -> Response:
    page = f"<html><body><h1>Error</h1><p>{text}</p></body></html>"
    return Response(400, page.encode(), [("Content-Type", "text/html; charset=utf-8")])
