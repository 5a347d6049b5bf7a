"""The emulated Facebook: routing, the demo world, the simulated public and the state dump."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from desktop_app.sandbox.core import Request, Response
from desktop_app.sandbox.platforms.base import StageError, last_or_none
from desktop_app.sandbox.platforms.facebook.base import (
    ALL_SCOPES,
    DEFAULT_VERSION,
    LONG_LIVED_S,
    VERSION_RE,
    Who,
    fb_time,
)
from desktop_app.sandbox.platforms.facebook.edges import FacebookEdges

Handler = Callable[["Facebook", Request, str, Who, str], Response]
FEED_EDGES = ("feed", "posts", "published_posts", "scheduled_posts", "visitor_posts", "tagged")


def _feed_route(edge: str) -> Handler:
    return lambda fb, req, oid, who, version: fb._feed(req, oid, edge, who, version)


# (method, edge) -> the handler of /{object-id}/{edge}.
ROUTES: dict[tuple[str, str], Handler] = {
    ("POST", "feed"): lambda fb, req, oid, who, _v: fb._publish(req, oid, who),
    **{("GET", edge): _feed_route(edge) for edge in FEED_EDGES},
    ("POST", "photos"): lambda fb, req, oid, who, _v: fb._photo(req, oid, who),
    ("GET", "photos"): lambda fb, req, oid, who, v: fb._list_photos(req, oid, who, v),
    ("GET", "comments"): lambda fb, req, oid, who, v: fb._list_comments(req, oid, who, v),
    ("POST", "comments"): lambda fb, req, oid, who, _v: fb._comment(req, oid, who),
}


class Facebook(FacebookEdges):
    name = "facebook"

    # --- demo world ----------------------------------------------------------------------------

    def seed_demo(self) -> None:
        self.app_id = str(1_100_000_000_000_000 + self.ctx.seed)
        self.app_secret = self.demo_secret("", 32).lower()
        self.user = {"id": str(10_000_000_000_000 + self.ctx.seed), "name": "Anna Redaktör"}
        self.demo_token = self.demo_secret("EAAB", 160)
        self.issue_user_token(LONG_LIVED_S, list(ALL_SCOPES), token=self.demo_token)
        for name, category in (
            ("Sandvikens kommun", "Government organization"),
            ("Sandvikens bibliotek", "Library"),
        ):
            page_id = str(200_000_000_000_000 + len(self.pages) * 1_000_003 + self.ctx.seed)
            self.pages[page_id] = {"id": page_id, "name": name, "category": category}
            self.page_token_for(self.demo_token, page_id, token=self.demo_secret("EAAB", 180))
        start = self.clock.now() - 4 * 86400
        for index, message in enumerate(
            (
                "Vintern är här! Så här prioriterar vi snöröjningen i kommunen.",
                "Välkommen på öppet hus på gymnasieskolorna den 12 januari.",
                "Bygglov: nu kan du följa ditt ärende digitalt.",
            )
        ):
            self._insert_post(self.main_page, message, None, at=start + index * 86400)

    def credentials(self) -> dict[str, Any]:
        return {"access_token": self.demo_token}

    def platform_info(self) -> dict[str, Any]:
        info = super().platform_info()
        info["graph_version"] = DEFAULT_VERSION
        info["app_id"] = self.app_id
        info["app_secret"] = self.app_secret
        info["page_ids"] = list(self.pages)
        info["redirect_uris"] = list(self.redirect_uris)
        info["authorize_url"] = f"{self.base_url}/{DEFAULT_VERSION}/dialog/oauth"
        info["token_url"] = f"{self.base_url}/{DEFAULT_VERSION}/oauth/access_token"
        return info

    def refuse_debug_token(self, refuse: bool = True) -> None:
        """Answer debug_token with user tokens as for someone who is not a developer of the
        app (only the app token is accepted then)."""
        self.debug_needs_app_token = refuse

    def register_redirect_uri(self, uri: str) -> None:
        """Add a URI to the app's "Valid OAuth Redirect URIs" (as its admin would)."""
        if uri not in self.redirect_uris:
            self.redirect_uris.append(uri)

    def _promote_scheduled(self) -> None:
        now = self.clock.now()
        for post in self.posts.values():
            if not post["published"] and post["scheduled"] is not None and post["scheduled"] <= now:
                post["published"] = True
                post["created"] = post["updated"] = post["scheduled"]

    # --- faults --------------------------------------------------------------------------------

    def fault_response(self, kind: str, status: int | None, req: Request) -> Response:
        if kind == "expired-token":
            return self._expired()
        if kind == "ratelimit":
            return self._rate_limited(req)
        code = status or 500
        if code >= 500:
            return self._error(
                "An unexpected error has occurred. Please retry your request later.",
                2,
                status=code,
                type_="OAuthException",
            )
        if code in (401, 403):
            return self._permission()
        return self._error("(#100) Invalid parameter", 100, status=code)

    def _rate_limited(self, req: Request) -> Response:
        entry = self.page_tokens.get(self._token(req) or "")
        if entry is None:
            usage = {"call_count": 100, "total_cputime": 10, "total_time": 20}
            return self._error(
                "(#4) Application request limit reached",
                4,
                headers=[("X-App-Usage", json.dumps(usage))],
            )
        page_id = entry["page_id"]
        usage = {"call_count": 100, "total_cputime": 12, "total_time": 25}
        buc = {page_id: [{"type": "pages", **usage, "estimated_time_to_regain_access": 15}]}
        return self._error(
            "(#32) Page request limit reached",
            32,
            headers=[
                ("X-Page-Usage", json.dumps(usage)),
                ("X-Business-Use-Case-Usage", json.dumps(buc)),
            ],
        )

    # --- routing -------------------------------------------------------------------------------

    def handle(self, req: Request) -> Response:
        path = VERSION_RE.sub("", req.path).rstrip("/") or "/"
        version_match = VERSION_RE.match(req.path)
        version = version_match.group(0).strip("/") if version_match else DEFAULT_VERSION
        parts = [p for p in path.split("/") if p]
        method = req.method
        if method == "POST" and (req.param("method") or "").upper() == "DELETE":
            method = "DELETE"
        if parts == ["dialog", "oauth"]:
            return self._dialog(req)
        if parts == ["oauth", "access_token"]:
            return self._access_token(req)
        if parts == ["debug_token"] and method == "GET":
            answer = self._debug_token(req)
            answer.headers.extend(self._usage_headers(None))
            return answer
        who = self._who(req)
        if isinstance(who, Response):
            return who
        self._promote_scheduled()
        response = self._route(req, method, parts, who, version)
        response.headers.extend(self._usage_headers(who))
        return response

    def _route(
        self, req: Request, method: str, parts: list[str], who: Who, version: str
    ) -> Response:
        if parts and parts[0] == "me":
            parts = [who[1], *parts[1:]]
            if who[0] == "user" and parts[1:] == ["accounts"] and method == "GET":
                return self._accounts(req, version)
            if who[0] == "user" and parts[1:] == ["permissions"] and method == "GET":
                return self._permissions(req)
        if not parts:
            return self._error("Unsupported get request.", 100, type_="GraphMethodException")
        if len(parts) > 2:
            return self._error(f"Unknown path components: /{'/'.join(parts[2:])}", 2500)
        object_id = parts[0]
        if len(parts) == 1:
            return self._node(req, method, object_id, who)
        handler = ROUTES.get((method, parts[1]))
        if handler is None:
            return self._error(f"(#100) Tried accessing nonexisting field ({parts[1]})", 100)
        return handler(self, req, object_id, who, version)

    # --- control surface -----------------------------------------------------------------------

    def recent_post_ids(self, page_id: str | None = None) -> list[str]:
        page = page_id or self.main_page
        return [
            p["id"]
            for p in self.posts.values()
            if p["page_id"] == page and p["published"] and not p["visitor"]
        ][-10:]

    def _person(self, author: str) -> dict[str, str]:
        if author not in self.people:
            self.people[author] = str(30_000_000_000_000 + len(self.people) * 7 + self.ctx.seed)
        return {"name": author, "id": self.people[author]}

    def _staging_page(self, account: str | None) -> str:
        page_id = account or self.main_page
        if page_id in self.pages:
            return page_id
        matches = [p for p, v in self.pages.items() if v["name"] == page_id]
        if not matches:
            raise StageError(f"no Facebook page {account!r}")
        return matches[0]

    def stage_public(
        self,
        kind: str,
        account: str | None,
        author: str,
        text: str,
        post_id: str | None,
        in_reply_to: str | None,
        at: float | None = None,
    ) -> dict[str, Any]:
        page_id = self._staging_page(account)
        person = self._person(author)
        target: str | None = None
        if kind == "mention":
            item_id = self._insert_post(page_id, text, None, at=at, author=person)["id"]
        elif kind == "reply":
            if not in_reply_to or in_reply_to not in self.comments:
                raise StageError(f"no Facebook comment {in_reply_to!r} to reply to")
            parent = in_reply_to
            if self.comments[parent]["object_id"] in self.comments:
                parent = self.comments[parent]["object_id"]  # Facebook nests two levels only
            item_id = self._insert_comment(parent, text, person, at=at)["id"]
            target = in_reply_to
        else:
            # The page's own recent post: a comment staged for page 2 lands on page 2.
            post_id = post_id or last_or_none(self.recent_post_ids(page_id))
            if post_id is None or post_id not in self.posts:
                raise StageError(f"no Facebook post {post_id!r} on page {page_id} to comment on")
            item_id = self._insert_comment(post_id, text, person, at=at)["id"]
        return {
            "id": item_id,
            "account": page_id,
            "author": author,
            "author_id": person["id"],
            "text": text,
            "post_id": post_id,
            "in_reply_to": target,
            "created_at": fb_time(self.clock.now() if at is None else at),
        }

    def state(self) -> dict[str, Any]:
        return {
            "pages": [{"id": p["id"], "name": p["name"]} for p in self.pages.values()],
            "posts": [_post_state(p) for p in self.posts.values()],
            "comments": [
                {
                    "id": c["id"],
                    "parent_id": c["object_id"],
                    "message": c["message"],
                    "from": c["from"],
                    "created_time": fb_time(c["created"]),
                    "is_hidden": c["is_hidden"],
                    "public": c["public"],
                }
                for c in self.comments.values()
            ],
            "photos": [
                {"id": p["id"], "caption": p["caption"], "size": p["size"]}
                for p in self.photos.values()
            ],
        }


def _post_state(post: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": post["id"],
        "page_id": post["page_id"],
        "message": post["message"],
        "link": post["link"],
        "created_time": fb_time(post["created"]),
        "is_published": post["published"],
        "scheduled_publish_time": int(post["scheduled"]) if post["scheduled"] else None,
        "from": post["from"],
        "photo_ids": post["photo_ids"],
    }
