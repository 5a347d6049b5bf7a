"""Posts and timelines of the X emulator: create, read, hide, delete, mentions."""

from __future__ import annotations

import base64
import hashlib
import html
from typing import Any

from desktop_app.sandbox.core import (
    OWN_POSTS_PER_ACCOUNT,
    PUBLIC_ITEMS_PER_ACCOUNT,
    Request,
    Response,
    iso_z,
    json_response,
    parse_iso,
)
from desktop_app.sandbox.platforms.x.base import XBase
from desktop_app.sandbox.platforms.x.common import (
    MENTION_RE,
    TWEET_FIELDS,
    URL_RE,
    USER_FIELDS,
    problem,
    same_text,
    weighted_length,
)


class PostsMixin(XBase):
    """The post operations (``/2/tweets``, ``/2/users/:id/{tweets,mentions}``)."""

    def _shorten(self, text: str) -> tuple[str, list[dict[str, Any]]]:
        """Replace URLs with t.co links, as X stores them; returns the text and url entities."""
        urls: list[dict[str, Any]] = []
        pieces: list[str] = []
        last = 0
        for match in URL_RE.finditer(text):
            pieces.append(text[last : match.start()])
            self._tco += 1
            digest = hashlib.sha1(f"{self.ctx.seed}:{self._tco}".encode()).digest()
            short = "https://t.co/" + base64.b32encode(digest).decode()[:10]
            start = sum(len(p) for p in pieces)
            expanded = match.group(0)
            display = expanded.split("://", 1)[1]
            urls.append(
                {
                    "start": start,
                    "end": start + len(short),
                    "url": short,
                    "expanded_url": expanded,
                    "display_url": display if len(display) <= 26 else display[:25] + "…",
                }
            )
            pieces.append(short)
            last = match.end()
        pieces.append(text[last:])
        return "".join(pieces), urls

    def _create_tweet(
        self,
        author_id: str,
        text: str,
        at: float | None = None,
        reply_to: str | None = None,
        media_ids: list[str] | None = None,
        quote_id: str | None = None,
        public: bool = False,
    ) -> dict[str, Any]:
        tweet_id = self._next_id()
        stored, urls = self._shorten(text)
        mentions = []
        for match in MENTION_RE.finditer(stored):
            user_id = self.users_by_name.get(match.group(1).lower())
            if user_id:
                mentions.append(
                    {
                        "start": match.start(),
                        "end": match.end(),
                        "username": self.users[user_id]["username"],
                        "id": user_id,
                    }
                )
        parent = self.tweets.get(reply_to) if reply_to else None
        tweet: dict[str, Any] = {
            "id": tweet_id,
            "text": stored,
            "author_id": author_id,
            "created_at": self.clock.now() if at is None else at,
            "conversation_id": parent["conversation_id"] if parent else tweet_id,
            "in_reply_to_user_id": parent["author_id"] if parent else None,
            "referenced_tweets": [],
            "media_keys": [self.media[m]["media_key"] for m in media_ids or []],
            "urls": urls,
            "mentions": mentions,
            "hidden": False,
            "public": public,
        }
        if parent:
            tweet["referenced_tweets"].append({"type": "replied_to", "id": parent["id"]})
        if quote_id:
            tweet["referenced_tweets"].append({"type": "quoted", "id": quote_id})
        self.tweets[tweet_id] = tweet
        cap = PUBLIC_ITEMS_PER_ACCOUNT if public else OWN_POSTS_PER_ACCOUNT
        self.keep_bounded(f"tweets:{public}", tweet_id, self.tweets, cap)
        return tweet

    def _tweet_view(
        self, tweet: dict[str, Any], fields: set[str], expansions: set[str]
    ) -> dict[str, Any]:
        view: dict[str, Any] = {
            "id": tweet["id"],
            "text": html.escape(tweet["text"], quote=False),
            "edit_history_tweet_ids": [tweet["id"]],
        }
        if "author_id" in fields or "author_id" in expansions:
            view["author_id"] = tweet["author_id"]
        if "created_at" in fields:
            view["created_at"] = iso_z(tweet["created_at"], millis=True)
        if "conversation_id" in fields:
            view["conversation_id"] = tweet["conversation_id"]
        if "in_reply_to_user_id" in fields and tweet["in_reply_to_user_id"]:
            view["in_reply_to_user_id"] = tweet["in_reply_to_user_id"]
        if "referenced_tweets" in fields and tweet["referenced_tweets"]:
            view["referenced_tweets"] = list(tweet["referenced_tweets"])
        if "attachments" in fields and tweet["media_keys"]:
            view["attachments"] = {"media_keys": list(tweet["media_keys"])}
        if "entities" in fields and (tweet["urls"] or tweet["mentions"]):
            entities: dict[str, Any] = {}
            if tweet["urls"]:
                entities["urls"] = [dict(u) for u in tweet["urls"]]
            if tweet["mentions"]:
                entities["mentions"] = [dict(m) for m in tweet["mentions"]]
            view["entities"] = entities
        if "lang" in fields:
            view["lang"] = "sv"
        if "reply_settings" in fields:
            view["reply_settings"] = "everyone"
        if "possibly_sensitive" in fields:
            view["possibly_sensitive"] = False
        if "public_metrics" in fields:
            replies = sum(
                1
                for t in self.tweets.values()
                if any(r["id"] == tweet["id"] for r in t["referenced_tweets"])
            )
            view["public_metrics"] = {
                "retweet_count": 0,
                "reply_count": replies,
                "like_count": 0,
                "quote_count": 0,
                "bookmark_count": 0,
                "impression_count": 0,
            }
        return view

    def _user_view(self, user: dict[str, Any], fields: set[str]) -> dict[str, Any]:
        view: dict[str, Any] = {
            "id": user["id"],
            "name": user["name"],
            "username": user["username"],
        }
        if "created_at" in fields:
            view["created_at"] = user["created_at"]
        if "description" in fields:
            view["description"] = user["description"]
        if "protected" in fields:
            view["protected"] = user["protected"]
        if "verified" in fields:
            view["verified"] = user["verified"]
        if "profile_image_url" in fields:
            view["profile_image_url"] = f"{self.base_url}/avatars/{user['id']}_normal.png"
        if "url" in fields:
            view["url"] = ""
        if "public_metrics" in fields:
            count = sum(1 for t in self.tweets.values() if t["author_id"] == user["id"])
            view["public_metrics"] = {
                "followers_count": 0 if user["citizen"] else 12873,
                "following_count": 0,
                "tweet_count": count,
                "listed_count": 0,
                "like_count": 0,
            }
        return view

    def _fields(self, req: Request, name: str, allowed: set[str]) -> set[str] | Response:
        values: list[str] = []
        for key in (name, name.replace("tweet.", "post.")):
            for raw in req.query.get(key, []):
                values += [v for v in raw.split(",") if v]
        unknown = [v for v in values if v not in allowed]
        if unknown:
            return self._invalid(
                f"The `{name}` query parameter value [{unknown[0]}] is not one of "
                f"[{', '.join(sorted(allowed))}]",
                {name: [",".join(values)]},
            )
        return set(values)

    def _post_tweet(self, req: Request, user_id: str, scopes: list[str]) -> Response:
        if "tweet.write" not in scopes:
            return self._forbidden()
        try:
            body = req.json()
        except (ValueError, UnicodeDecodeError):
            return self._invalid("Request body is not valid JSON.")
        if not isinstance(body, dict):
            return self._invalid("Request body must be a JSON object.")
        text = body.get("text")
        media = body.get("media") or {}
        media_ids = media.get("media_ids") if isinstance(media, dict) else None
        quote_id = body.get("quote_tweet_id")
        reply = body.get("reply") or {}
        reply_to = reply.get("in_reply_to_tweet_id") if isinstance(reply, dict) else None
        if text is not None and not isinstance(text, str):
            return self._invalid("$.text: expected a string", {"text": [str(text)]})
        if not text and not media_ids:
            return self._invalid(
                "You must specify either a Tweet text, media, poll, card URI, or quote tweet id."
            )
        exclusive = [k for k in ("media", "quote_tweet_id", "poll", "card_uri") if body.get(k)]
        if len(exclusive) > 1:
            return self._invalid(f"{' and '.join(exclusive)} are mutually exclusive")
        refused = self._check_references(media_ids, reply_to, quote_id, user_id)
        if refused is not None:
            return refused
        text = text or ""
        if text:
            _length, valid = weighted_length(text)
            if not valid:
                return self._error(
                    400,
                    problem(
                        400,
                        "Bad Request",
                        "Your Tweet text is too long. For more information on how Twitter "
                        "determines text length see https://github.com/twitter/twitter-text.",
                    ),
                )
            stored, _ = self._shorten_preview(text)
            since = self.clock.now() - 86400
            for tweet in reversed(self.tweets.values()):
                if tweet["created_at"] < since:
                    break
                if tweet["author_id"] == user_id and same_text(tweet["text"], stored):
                    return self._forbidden(
                        "You are not allowed to create a Tweet with duplicate content."
                    )
        tweet = self._create_tweet(
            user_id,
            text,
            reply_to=str(reply_to) if reply_to is not None else None,
            media_ids=[str(m) for m in media_ids or []],
            quote_id=str(quote_id) if quote_id is not None else None,
        )
        data = {
            "id": tweet["id"],
            "text": html.escape(tweet["text"], quote=False),
            "edit_history_tweet_ids": [tweet["id"]],
        }
        return json_response(201, {"data": data})

    def _check_references(
        self, media_ids: Any, reply_to: Any, quote_id: Any, user_id: str
    ) -> Response | None:
        """The media, replied-to and quoted posts a new post names must exist (and be ready)."""
        if media_ids is not None:
            if not isinstance(media_ids, list) or not 1 <= len(media_ids) <= 4:
                return self._invalid("media.media_ids must contain between 1 and 4 items")
            for media_id in media_ids:
                item = self.media.get(str(media_id))
                if item is None or item["owner"] != user_id:
                    return self._invalid(
                        "Your media IDs are invalid.", {"media.media_ids": [str(media_id)]}
                    )
                if item["state"] != "succeeded":
                    # X refuses media that is still being processed (or failed).
                    return self._invalid(
                        f"Your media IDs are invalid: media {media_id} is {item['state']}.",
                        {"media.media_ids": [str(media_id)]},
                    )
        if reply_to is not None and str(reply_to) not in self.tweets:
            return self._invalid(
                "The tweet being replied to was not found or is not visible to you.",
                {"reply.in_reply_to_tweet_id": [str(reply_to)]},
            )
        if quote_id is not None and str(quote_id) not in self.tweets:
            return self._invalid(
                "The quoted tweet was not found.", {"quote_tweet_id": [str(quote_id)]}
            )
        return None

    @staticmethod
    def _shorten_preview(text: str) -> tuple[str, int]:
        return URL_RE.sub("https://t.co/", text), 0

    def _delete_tweet(self, tweet_id: str, user_id: str, scopes: list[str]) -> Response:
        if "tweet.write" not in scopes:
            return self._forbidden()
        tweet = self.tweets.get(tweet_id)
        if tweet is None:
            return json_response(200, {"data": {"deleted": False}})
        if tweet["author_id"] != user_id:
            return self._forbidden("You are not authorized to delete this Tweet.")
        del self.tweets[tweet_id]
        return json_response(200, {"data": {"deleted": True}})

    def _hide(self, req: Request, tweet_id: str, user_id: str, scopes: list[str]) -> Response:
        if "tweet.moderate.write" not in scopes:
            return self._forbidden()
        tweet = self.tweets.get(tweet_id)
        try:
            hidden = req.json().get("hidden")
        except (ValueError, AttributeError, UnicodeDecodeError):
            hidden = None
        if not isinstance(hidden, bool):
            return self._invalid("$.hidden: expected a boolean")
        if tweet is None:
            return self._not_found(tweet_id, "tweet_id")
        conversation_root = self.tweets.get(tweet["conversation_id"])
        if conversation_root is None or conversation_root["author_id"] != user_id:
            return self._forbidden("You can only hide replies to your own conversations.")
        tweet["hidden"] = hidden
        return json_response(200, {"data": {"hidden": hidden}})

    def _expansion_args(self, req: Request) -> tuple[set[str], set[str], set[str]] | Response:
        fields = self._fields(req, "tweet.fields", TWEET_FIELDS)
        if isinstance(fields, Response):
            return fields
        user_fields = self._fields(req, "user.fields", USER_FIELDS)
        if isinstance(user_fields, Response):
            return user_fields
        expansions = {e for raw in req.query.get("expansions", []) for e in raw.split(",") if e}
        known = {
            "author_id",
            "referenced_tweets.id",
            "in_reply_to_user_id",
            "attachments.media_keys",
            "referenced_tweets.id.author_id",
            "entities.mentions.username",
        }
        bad = sorted(expansions - known)
        if bad:
            return self._invalid(
                f"The `expansions` query parameter value [{bad[0]}] is not one of "
                f"[{', '.join(sorted(known))}]",
                {"expansions": [",".join(sorted(expansions))]},
            )
        return fields, user_fields, expansions

    def _includes(
        self,
        tweets: list[dict[str, Any]],
        fields: set[str],
        user_fields: set[str],
        expansions: set[str],
    ) -> dict[str, Any]:
        includes: dict[str, Any] = {}
        user_ids: list[str] = []
        if "author_id" in expansions:
            user_ids += [t["author_id"] for t in tweets]
        if "in_reply_to_user_id" in expansions:
            user_ids += [t["in_reply_to_user_id"] for t in tweets if t["in_reply_to_user_id"]]
        if "entities.mentions.username" in expansions:
            user_ids += [m["id"] for t in tweets for m in t["mentions"]]
        if "referenced_tweets.id" in expansions:
            referenced = []
            for tweet in tweets:
                for ref in tweet["referenced_tweets"]:
                    if ref["id"] in self.tweets:
                        referenced.append(self.tweets[ref["id"]])
            if referenced:
                includes["tweets"] = [self._tweet_view(t, fields, expansions) for t in referenced]
                if "referenced_tweets.id.author_id" in expansions:
                    user_ids += [t["author_id"] for t in referenced]
        if "attachments.media_keys" in expansions:
            keys = {k for t in tweets for k in t["media_keys"]}
            media = [
                {"media_key": m["media_key"], "type": "photo"}
                for m in self.media.values()
                if m["media_key"] in keys
            ]
            if media:
                includes["media"] = media
        unique = [u for i, u in enumerate(user_ids) if u in self.users and u not in user_ids[:i]]
        if unique:
            includes["users"] = [self._user_view(self.users[u], user_fields) for u in unique]
        return includes

    def _get_tweet(self, req: Request, tweet_id: str) -> Response:
        args = self._expansion_args(req)
        if isinstance(args, Response):
            return args
        fields, user_fields, expansions = args
        tweet = self.tweets.get(tweet_id)
        if tweet is None:
            return self._not_found(tweet_id)
        payload: dict[str, Any] = {"data": self._tweet_view(tweet, fields, expansions)}
        includes = self._includes([tweet], fields, user_fields, expansions)
        if includes:
            payload["includes"] = includes
        return json_response(200, payload)

    def _get_tweets(self, req: Request) -> Response:
        args = self._expansion_args(req)
        if isinstance(args, Response):
            return args
        fields, user_fields, expansions = args
        ids = [i for raw in req.query.get("ids", []) for i in raw.split(",") if i]
        if not 1 <= len(ids) <= 100:
            return self._invalid("The `ids` query parameter must contain between 1 and 100 ids")
        found = [self.tweets[i] for i in ids if i in self.tweets]
        payload: dict[str, Any] = {}
        if found:
            payload["data"] = [self._tweet_view(t, fields, expansions) for t in found]
            includes = self._includes(found, fields, user_fields, expansions)
            if includes:
                payload["includes"] = includes
        missing = [self._not_found_error(i, "ids") for i in ids if i not in self.tweets]
        if missing:
            payload["errors"] = missing
        return json_response(200, payload)

    def _timeline(self, req: Request, user_id: str, which: str) -> Response:
        args = self._expansion_args(req)
        if isinstance(args, Response):
            return args
        fields, user_fields, expansions = args
        if user_id not in self.users:
            return json_response(200, {"errors": [self._not_found_error(user_id, "id", "user")]})
        max_results_text = req.arg("max_results") or "10"
        low = 5
        if not max_results_text.isdigit() or not low <= int(max_results_text) <= 100:
            return self._invalid(
                f"The `max_results` query parameter value [{max_results_text}] is not between "
                f"{low} and 100",
                {"max_results": [max_results_text]},
            )
        max_results = int(max_results_text)
        since_id, until_id = req.arg("since_id"), req.arg("until_id")
        for name, value in (("since_id", since_id), ("until_id", until_id)):
            if value is not None and not value.isdigit():
                return self._invalid(
                    f"The `{name}` query parameter value [{value}] is not valid", {name: [value]}
                )
        start_time, end_time = req.arg("start_time"), req.arg("end_time")
        try:
            start_ts = parse_iso(start_time) if start_time else None
            end_ts = parse_iso(end_time) if end_time else None
        except ValueError:
            return self._invalid("The `start_time`/`end_time` query parameter is not a valid time")
        token = req.arg("pagination_token")
        before: int | None = None
        if token:
            try:
                before = int(base64.urlsafe_b64decode(token + "==").decode())
            except (ValueError, UnicodeDecodeError):
                return self._invalid(
                    "The `pagination_token` query parameter value is not valid",
                    {"pagination_token": [token]},
                )
        if which == "mentions":
            selected = [
                t
                for t in self.tweets.values()
                if any(m["id"] == user_id for m in t["mentions"]) and t["author_id"] != user_id
            ]
        else:
            selected = [t for t in self.tweets.values() if t["author_id"] == user_id]
        selected.sort(key=lambda t: int(t["id"]), reverse=True)
        selected = [
            t
            for t in selected
            if (since_id is None or int(t["id"]) > int(since_id))
            and (until_id is None or int(t["id"]) < int(until_id))
            and (before is None or int(t["id"]) < before)
            and (start_ts is None or t["created_at"] >= start_ts)
            and (end_ts is None or t["created_at"] <= end_ts)
        ]
        page, rest = selected[:max_results], selected[max_results:]
        meta: dict[str, Any] = {"result_count": len(page)}
        payload: dict[str, Any] = {}
        if page:
            payload["data"] = [self._tweet_view(t, fields, expansions) for t in page]
            includes = self._includes(page, fields, user_fields, expansions)
            if includes:
                payload["includes"] = includes
            meta["newest_id"] = page[0]["id"]
            meta["oldest_id"] = page[-1]["id"]
            if rest:
                meta["next_token"] = (
                    base64.urlsafe_b64encode(page[-1]["id"].encode()).decode().rstrip("=")
                )
        payload["meta"] = meta
        return json_response(200, payload)
