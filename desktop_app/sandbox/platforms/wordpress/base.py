"""The WordPress emulator's state, REST envelopes, errors and collection paging."""

from __future__ import annotations

import hashlib
import math
from collections import OrderedDict
from typing import Any
from urllib.parse import urlencode

from desktop_app.sandbox.core import Request, Response, json_response
from desktop_app.sandbox.platforms.base import Platform
from desktop_app.sandbox.platforms.wordpress.common import ADMIN_CAPABILITIES


class WordPressBase(Platform):
    """Posts, comments, media and users; the emulator's modules are mixins over this."""

    name = "wordpress"

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx)
        self.posts: OrderedDict[int, dict[str, Any]] = OrderedDict()
        self.comments: OrderedDict[int, dict[str, Any]] = OrderedDict()
        self.media: OrderedDict[int, dict[str, Any]] = OrderedDict()
        self.users: dict[int, dict[str, Any]] = {}
        self._next_post = 10
        self._next_comment = 1
        self.user_id = 1
        self.application_password = ""

    @staticmethod
    def _hash_password(password: str) -> str:
        return hashlib.sha256(password.replace(" ", "").encode()).hexdigest()

    # --- paths ---------------------------------------------------------------------------------

    def fault_paths(self, req: Request) -> tuple[str, ...]:
        route = req.arg("rest_route")
        paths = [req.path, f"/wordpress{req.path}"]
        if route is not None and not req.path.startswith("/wp-json"):
            paths += [f"/wp-json{route}", f"/wordpress/wp-json{route}"]
        return tuple(paths)

    def _link_header(self) -> tuple[str, str]:
        return ("Link", f'<{self.base_url}/wp-json/>; rel="https://api.w.org/"')

    def _rest_headers(self) -> list[tuple[str, str]]:
        return [
            ("X-Robots-Tag", "noindex"),
            self._link_header(),
            ("X-Content-Type-Options", "nosniff"),
            ("Access-Control-Expose-Headers", "X-WP-Total, X-WP-TotalPages, Link"),
            (
                "Access-Control-Allow-Headers",
                "Authorization, X-WP-Nonce, Content-Disposition, Content-MD5, Content-Type",
            ),
            ("Vary", "Origin"),
        ]

    def _json(
        self, status: int, payload: Any, extra: list[tuple[str, str]] | None = None
    ) -> Response:
        headers = self._rest_headers()
        if any(name == "Link" for name, _ in extra or []):
            headers = [(name, value) for name, value in headers if name != "Link"]
        return json_response(
            status,
            payload,
            [*headers, *(extra or [])],
            content_type="application/json; charset=UTF-8",
            escape_slashes=True,
        )

    def _error(self, status: int, code: str, message: str, **data: Any) -> Response:
        return self._json(
            status, {"code": code, "message": message, "data": {"status": status, **data}}
        )

    def _invalid_param(self, name: str, message: str, code: str = "rest_invalid_param") -> Response:
        return self._error(
            400,
            "rest_invalid_param",
            f"Invalid parameter(s): {name}",
            params={name: message},
            details={name: {"code": code, "message": message, "data": None}},
        )

    # --- collection helpers --------------------------------------------------------------------

    def _paging(
        self, req: Request, items: list[dict[str, Any]], route: str, invalid_page_code: str | None
    ) -> tuple[list[dict[str, Any]], list[tuple[str, str]]] | Response:
        per_page_text = req.arg("per_page") or "10"
        page_text = req.arg("page") or "1"
        if not per_page_text.lstrip("-").isdigit():
            return self._invalid_param("per_page", "per_page is not of type integer.")
        per_page = int(per_page_text)
        if not 1 <= per_page <= 100:
            return self._invalid_param(
                "per_page",
                "per_page must be between 1 (inclusive) and 100 (inclusive)",
                "rest_out_of_bounds",
            )
        if not page_text.lstrip("-").isdigit():
            return self._invalid_param("page", "page is not of type integer.")
        page = int(page_text)
        if page < 1:
            return self._invalid_param("page", "page must be greater than or equal to 1")
        offset_text = req.arg("offset")
        offset = int(offset_text) if offset_text and offset_text.isdigit() else None
        total = len(items)
        pages = math.ceil(total / per_page) if total else 0
        if invalid_page_code and total and page > pages and offset is None:
            return self._error(
                400,
                invalid_page_code,
                "The page number requested is larger than the number of pages available.",
            )
        start = offset if offset is not None else (page - 1) * per_page
        chosen = items[start : start + per_page]
        headers = [("X-WP-Total", str(total)), ("X-WP-TotalPages", str(pages))]
        base_params = [
            (k, v)
            for k, values in req.query.items()
            for v in values
            if k not in ("page", "rest_route")
        ]
        links = []
        if page > 1:
            links.append(f'<{self._collection_url(route, base_params, page - 1)}>; rel="prev"')
        if page < pages:
            links.append(f'<{self._collection_url(route, base_params, page + 1)}>; rel="next"')
        if links:
            headers.append(("Link", ", ".join(links)))
        return chosen, headers

    def _collection_url(self, route: str, params: list[tuple[str, str]], page: int) -> str:
        query = urlencode([*params, ("page", str(page))])
        return f"{self.base_url}/wp-json{route}?{query}"

    @staticmethod
    def _int_list(req: Request, name: str) -> list[int] | None:
        values = [v for raw in req.args(name) for v in raw.split(",") if v.strip()]
        if not values:
            return None
        return [int(v) for v in values if v.strip().isdigit()]

    def _body(self, req: Request) -> dict[str, Any] | Response:
        if req.content_type == "application/json":
            try:
                body = req.json() if req.body else {}
            except (ValueError, UnicodeDecodeError):
                return self._error(400, "rest_invalid_json", "Invalid JSON body passed.")
            if not isinstance(body, dict):
                return self._error(400, "rest_invalid_json", "Invalid JSON body passed.")
            return body
        merged: dict[str, Any] = {k: v[0] for k, v in req.query.items() if k != "rest_route"}
        merged.update({k: v[0] for k, v in req.form().items()})
        return merged

    def _user_view(self, user: dict[str, Any], context: str) -> dict[str, Any]:
        digest = hashlib.md5(user["email"].encode()).hexdigest()
        view: dict[str, Any] = {
            "id": user["id"],
            "name": user["name"],
            "url": "",
            "description": "",
            "link": f"{self.base_url}/author/{user['username']}/",
            "slug": user["username"],
            "avatar_urls": {
                size: f"https://secure.gravatar.com/avatar/{digest}?s={size}&d=mm&r=g"
                for size in ("24", "48", "96")
            },
            "meta": [],
            "_links": {"self": [{"href": f"{self.base_url}/wp-json/wp/v2/users/{user['id']}"}]},
        }
        if context == "edit":
            view.update(
                username=user["username"],
                email=user["email"],
                first_name="",
                last_name="",
                nickname=user["username"],
                locale="sv_SE",
                roles=["administrator"],
                registered_date="2024-01-01T00:00:00+00:00",
                capabilities={name: True for name in ADMIN_CAPABILITIES},
                extra_capabilities={"administrator": True},
            )
        return view
