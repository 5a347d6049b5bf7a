"""OAuth 2.0 (PKCE, rotating refresh tokens) and OAuth 1.0a for the X emulator."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from desktop_app.sandbox.core import Request, Response, json_response
from desktop_app.sandbox.platforms.base import (
    consent_decision,
    consent_page,
    pkce_matches,
)
from desktop_app.sandbox.platforms.x.base import XBase
from desktop_app.sandbox.platforms.x.common import (
    ACCESS_TOKEN_SECONDS,
    ALL_SCOPES,
    CODE_SECONDS,
    oauth_quote,
    oauth_unquote,
)


class OAuthMixin(XBase):
    """Sign-in, token exchange and request authentication."""

    def _issue_tokens(self, user_id: str, scopes: list[str], client_id: str) -> dict[str, Any]:
        access = self.fresh_secret("xa-")
        self.access_tokens[access] = {
            "user_id": user_id,
            "scopes": scopes,
            "client_id": client_id,
            "expires": self.clock.now() + ACCESS_TOKEN_SECONDS,
        }
        answer: dict[str, Any] = {
            "token_type": "bearer",
            "expires_in": ACCESS_TOKEN_SECONDS,
            "access_token": access,
            "scope": " ".join(scopes),
        }
        if "offline.access" in scopes:
            refresh = self.fresh_secret("xr-")
            self.refresh_tokens[refresh] = {
                "user_id": user_id,
                "scopes": scopes,
                "client_id": client_id,
            }
            answer["refresh_token"] = refresh
        return answer

    def _auth(self, req: Request) -> tuple[str, list[str]] | None:
        """(user id, scopes) from a user bearer token or a valid OAuth 1.0a signature."""
        header = req.headers.get("authorization")
        scheme, _, rest = header.partition(" ")
        if scheme.lower() == "bearer":
            token = self.access_tokens.get(rest.strip())
            if token is None or token["expires"] <= self.clock.now():
                return None
            return token["user_id"], list(token["scopes"])
        if scheme.lower() == "oauth" and "oauth_signature" in rest:
            user_id = self._verify_oauth1(req, rest)
            if user_id is None:
                return None
            return user_id, list(ALL_SCOPES)
        return None

    def _auth_user(self, req: Request) -> str | None:
        auth = self._auth(req)
        return auth[0] if auth else None

    def _verify_oauth1(self, req: Request, header_params: str) -> str | None:
        params: dict[str, str] = {}
        for part in header_params.split(","):
            key, _, value = part.strip().partition("=")
            if key:
                params[key] = oauth_unquote(value.strip().strip('"'))
        consumer_secret = self.oauth1_consumers.get(params.get("oauth_consumer_key", ""))
        token = self.oauth1_tokens.get(params.get("oauth_token", ""))
        if consumer_secret is None or token is None:
            return None
        if params.get("oauth_signature_method") != "HMAC-SHA1":
            return None
        try:
            timestamp = int(params.get("oauth_timestamp", "0"))
        except ValueError:
            return None
        if abs(timestamp - self.clock.now()) > 300:
            return None
        nonce = params.get("oauth_nonce", "")
        if not nonce or nonce in self._nonce_set:
            return None
        signature = params.pop("oauth_signature", "")
        pairs = [(k, v) for k, v in params.items() if k.startswith("oauth_") and k != "realm"]
        pairs += parse_qsl(req.raw_query, keep_blank_values=True)
        if req.content_type == "application/x-www-form-urlencoded":
            pairs += parse_qsl(req.body.decode("utf-8", "replace"), keep_blank_values=True)
        encoded = sorted((oauth_quote(k), oauth_quote(v)) for k, v in pairs)
        normalized = "&".join(f"{k}={v}" for k, v in encoded)
        base_url = req.platform_base + req.path
        split = urlsplit(base_url)
        base_url = f"{split.scheme}://{split.netloc.lower()}{split.path}"
        base_string = "&".join([req.method.upper(), oauth_quote(base_url), oauth_quote(normalized)])
        key = f"{oauth_quote(consumer_secret)}&{oauth_quote(token[0])}"
        expected = base64.b64encode(
            hmac.new(key.encode(), base_string.encode(), hashlib.sha1).digest()
        ).decode()
        if not hmac.compare_digest(expected, signature):
            return None
        if len(self._nonces) == self._nonces.maxlen:
            self._nonce_set.discard(self._nonces[0])
        self._nonces.append(nonce)
        self._nonce_set.add(nonce)
        return token[1]

    def _authorize(self, req: Request) -> Response:
        client_id = req.arg("client_id") or ""
        client = self.clients.get(client_id)
        redirect_uri = req.arg("redirect_uri") or ""
        if client is None or redirect_uri not in client["redirect_uris"]:  # exact, as X does
            page = "<!DOCTYPE html><html><body><h1>Something went wrong</h1>"
            page += "<p>You weren't able to give access to the App.</p></body></html>"
            return Response(400, page.encode(), [("Content-Type", "text/html; charset=utf-8")])
        scopes = (req.arg("scope") or "").split()
        challenge = req.arg("code_challenge") or ""
        method = req.arg("code_challenge_method") or "plain"
        if req.arg("response_type") != "code" or not challenge or method not in ("S256", "plain"):
            return Response(
                400, b"<html><body>Invalid request</body></html>", [("Content-Type", "text/html")]
            )
        if req.method == "GET":
            return consent_page(
                "X", client["name"], scopes, "@" + self.users[self.account_id]["username"]
            )
        code = self.fresh_secret("", 48)
        self.codes[code] = {
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "challenge": challenge,
            "method": method,
            "scopes": [s for s in scopes if s in ALL_SCOPES],
            "user_id": self.account_id,
            "expires": self.clock.now() + CODE_SECONDS,
        }
        return consent_decision(req, redirect_uri, req.arg("state"), code)

    def _oauth_client(self, req: Request) -> str | None:
        """The client id: HTTP Basic for confidential clients, the form field for public ones."""
        header = req.headers.get("authorization")
        if header.lower().startswith("basic "):
            try:
                decoded = base64.b64decode(header[6:].strip()).decode()
            except (ValueError, UnicodeDecodeError):
                return None
            client_id, _, secret = decoded.partition(":")
            client = self.clients.get(oauth_unquote(client_id))
            if client is None or not hmac.compare_digest(client["secret"], oauth_unquote(secret)):
                return None
            return oauth_unquote(client_id)
        client_id = (req.form().get("client_id") or [""])[0]
        return client_id if client_id in self.clients else None

    def _token(self, req: Request) -> Response:
        form = {k: v[0] for k, v in req.form().items()}
        client_id = self._oauth_client(req)
        if client_id is None:
            return json_response(
                401,
                {
                    "error": "unauthorized_client",
                    "error_description": "Missing valid authorization header",
                },
            )
        grant = form.get("grant_type", "")
        if grant == "authorization_code":
            code = self.codes.pop(form.get("code", ""), None)
            invalid = json_response(
                400,
                {
                    "error": "invalid_request",
                    "error_description": "Value passed for the authorization code was invalid.",
                },
            )
            if code is None or code["expires"] < self.clock.now() or code["client_id"] != client_id:
                return invalid
            if form.get("redirect_uri") != code["redirect_uri"]:
                return invalid
            if not pkce_matches(form.get("code_verifier", ""), code["challenge"], code["method"]):
                return invalid
            return json_response(
                200, self._issue_tokens(code["user_id"], code["scopes"], client_id)
            )
        if grant == "refresh_token":
            old = self.refresh_tokens.pop(form.get("refresh_token", ""), None)
            if old is None or old["client_id"] != client_id:
                return json_response(
                    400,
                    {
                        "error": "invalid_request",
                        "error_description": "Value passed for the token was invalid.",
                    },
                )
            return json_response(200, self._issue_tokens(old["user_id"], old["scopes"], client_id))
        return json_response(
            400,
            {
                "error": "invalid_request",
                "error_description": "Missing required parameter [grant_type].",
            },
        )

    def _revoke(self, req: Request) -> Response:
        token = (req.form().get("token") or [""])[0]
        self.access_tokens.pop(token, None)
        self.refresh_tokens.pop(token, None)
        return json_response(200, {"revoked": True})
