"""The WordPress REST contract Kanal's connector relies on, checked against the sandbox and
against a real WordPress (Debian's package, see .ci/setup-wordpress.sh)
with the same test functions.

Expectations are what the real WordPress (6.1, Debian 12) does; where the sandbox answers
differently, the sandbox is wrong. Comments name the WordPress behaviour each check pins down.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from tests.support.wordpress import (
    COMMENT_EDIT_SHAPE,
    COMMENT_SHAPE,
    DISCOVERY_REL,
    MEDIA_SHAPE,
    POST_EDIT_SHAPE,
    POST_VIEW_SHAPE,
    ROUTE_FORMS,
    TIMEOUT_S,
    USER_ME_EDIT_SHAPE,
    USER_ME_SHAPE,
    RouteForm,
    WordPressTarget,
    assert_shape,
    assert_wp_date,
    expect_error,
    expect_status,
    link_targets,
    png_image,
    unique,
    wp_gmt,
)

CITIZEN = {"author_name": "Anna Medborgare", "author_email": "anna.medborgare@example.invalid"}

PostFactory = Callable[..., dict[str, Any]]
CommentFactory = Callable[..., dict[str, Any]]


@pytest.fixture
def wp(wordpress_target: WordPressTarget) -> WordPressTarget:
    return wordpress_target


@pytest.fixture
def make_post(wp: WordPressTarget) -> Iterator[PostFactory]:
    """Creates posts as the user; deletes them (and so their comments) after the test."""
    created: list[int] = []

    def make(**fields: Any) -> dict[str, Any]:
        token = unique("kanal-post")
        body = {"title": f"Snöröjning {token}", "content": f"<p>Text {token}</p>"}
        body.update(fields)
        post = expect_status(wp.call("POST", "/wp/v2/posts", json=body), 201)
        created.append(post["id"])
        return post

    yield make
    for post_id in created:
        wp.call("DELETE", f"/wp/v2/posts/{post_id}", params={"force": "true"})


@pytest.fixture
def published_post(make_post: PostFactory) -> dict[str, Any]:
    return make_post(status="publish", slug=unique("kanal-pub"))


@pytest.fixture
def citizen_comment(wp: WordPressTarget) -> CommentFactory:
    """Posts an anonymous comment the way a citizen's browser or app does."""

    def comment(post_id: int, text: str | None = None, **fields: Any) -> dict[str, Any]:
        body = {"post": post_id, "content": text or f"Fråga {unique('citizen')}", **CITIZEN}
        body.update(fields)
        created = expect_status(wp.call("POST", "/wp/v2/comments", auth=None, json=body), 201)
        return created

    return comment


def moderate(wp: WordPressTarget, comment_id: int, status: str) -> dict[str, Any]:
    response = wp.call("POST", f"/wp/v2/comments/{comment_id}", json={"status": status})
    return expect_status(response, 200)


def ids(items: list[dict[str, Any]]) -> list[int]:
    return [item["id"] for item in items]


def total_headers(response: requests.Response) -> tuple[int, int]:
    """(X-WP-Total, X-WP-TotalPages) as numbers."""
    assert "X-WP-Total" in response.headers, dict(response.headers)
    assert "X-WP-TotalPages" in response.headers, dict(response.headers)
    return int(response.headers["X-WP-Total"]), int(response.headers["X-WP-TotalPages"])


def me(wp: WordPressTarget) -> dict[str, Any]:
    return expect_status(wp.call("GET", "/wp/v2/users/me"), 200)


# --- discovery -----------------------------------------------------------------------------------


def test_home_page_links_to_rest_index(wp: WordPressTarget) -> None:
    home = wp.session.get(f"{wp.site_url}/", timeout=TIMEOUT_S)
    assert home.status_code == 200
    api_root = link_targets(home.headers.get("Link", "")).get(DISCOVERY_REL)
    assert api_root == f"{wp.site_url}/wp-json/", home.headers.get("Link")

    index = expect_status(wp.session.get(api_root, timeout=TIMEOUT_S), 200)
    index_shape = {"name": str, "url": str, "home": str, "namespaces": [str], "routes": dict}
    assert_shape(index, {**index_shape, "authentication": dict})
    assert index["home"].rstrip("/") == wp.site_url
    assert "wp/v2" in index["namespaces"]
    for route in ("/wp/v2/posts", "/wp/v2/posts/(?P<id>[\\d]+)", "/wp/v2/media", "/wp/v2/comments"):
        assert route in index["routes"], route
    assert "/wp/v2/users/me" in index["routes"]
    assert "application-passwords" in index["authentication"]


def test_rest_responses_and_post_pages_carry_the_discovery_link(
    wp: WordPressTarget, published_post: dict[str, Any]
) -> None:
    api_root = f"{wp.site_url}/wp-json/"
    page = wp.session.get(published_post["link"], timeout=TIMEOUT_S)
    assert page.status_code == 200
    assert link_targets(page.headers.get("Link", "")).get(DISCOVERY_REL) == api_root
    # REST answers carry it too, unless the route sends its own Link (paging next/prev, a single
    # post's rel="alternate"): PHP's header() replaces the earlier Link header.
    api = wp.call("GET", "/wp/v2/users/me")
    assert link_targets(api.headers.get("Link", "")).get(DISCOVERY_REL) == api_root


def test_plain_rest_route_form_answers_like_the_pretty_form(
    wp: WordPressTarget, published_post: dict[str, Any]
) -> None:
    index = expect_status(wp.session.get(wp.route_url("/", "plain"), timeout=TIMEOUT_S), 200)
    assert "wp/v2" in index["namespaces"]

    route = f"/wp/v2/posts/{published_post['id']}"
    pretty = expect_status(wp.call("GET", route, auth=None, form="pretty"), 200)
    plain = expect_status(wp.call("GET", route, auth=None, form="plain"), 200)
    for key in ("id", "slug", "link", "date_gmt", "status"):
        assert pretty[key] == plain[key], key

    listed = [
        wp.call("GET", "/wp/v2/posts", auth=None, form=form, params={"per_page": 1})
        for form in ROUTE_FORMS
    ]
    assert total_headers(listed[0]) == total_headers(listed[1])


# --- authentication --------------------------------------------------------------------------


@pytest.mark.parametrize("form", ROUTE_FORMS)
def test_users_me_with_application_password(wp: WordPressTarget, form: RouteForm) -> None:
    view = expect_status(wp.call("GET", "/wp/v2/users/me", form=form), 200)
    assert_shape(view, USER_ME_SHAPE)
    assert "username" not in view  # only in context=edit

    edit = wp.call("GET", "/wp/v2/users/me", form=form, params={"context": "edit"})
    user = expect_status(edit, 200)
    assert_shape(user, USER_ME_EDIT_SHAPE)
    assert user["username"] == wp.username
    assert user["id"] == view["id"]
    assert user["roles"], user
    # What Kanal checks at sign-in: the account may publish, upload and moderate.
    for capability in ("publish_posts", "upload_files", "moderate_comments"):
        assert user["capabilities"].get(capability) is True, capability


@pytest.mark.parametrize("form", ROUTE_FORMS)
def test_users_me_without_credentials_is_401_not_logged_in(
    wp: WordPressTarget, form: RouteForm
) -> None:
    expect_error(wp.call("GET", "/wp/v2/users/me", auth=None, form=form), 401, "rest_not_logged_in")


@pytest.mark.parametrize("form", ROUTE_FORMS)
@pytest.mark.parametrize("who", ["wrong-password", "unknown-user"])
def test_users_me_with_bad_credentials_is_401_not_logged_in(
    wp: WordPressTarget, form: RouteForm, who: str
) -> None:
    # WordPress 6.1 records the application-password failure (incorrect_password /
    # invalid_username) only when the REST server re-determines the user inside
    # rest_cookie_check_errors (priority 100), after rest_application_password_check_errors
    # (priority 90) has looked for it. So the client sees the anonymous answer.
    credentials = (
        (wp.username, "abcd EFGH ijkl MNOP qrst UVWX")
        if who == "wrong-password"
        else ("ingen-sadan-anvandare", wp.application_password)
    )
    response = wp.call("GET", "/wp/v2/users/me", auth=credentials, form=form)
    expect_error(response, 401, "rest_not_logged_in")
    # A write with bad credentials fails like an anonymous one.
    write = wp.call("POST", "/wp/v2/posts", auth=credentials, form=form, json={"title": "x"})
    expect_error(write, 401, "rest_cannot_create")


def test_bad_credentials_on_a_public_route_read_as_anonymous(
    wp: WordPressTarget, make_post: PostFactory
) -> None:
    draft = make_post(status="draft")
    response = wp.call(
        "GET",
        "/wp/v2/posts",
        auth=(wp.username, "abcd EFGH ijkl MNOP qrst UVWX"),
        params={"per_page": 100},
    )
    listed = expect_status(response, 200)
    assert draft["id"] not in ids(listed)


def test_creating_a_post_needs_credentials(wp: WordPressTarget) -> None:
    response = wp.call("POST", "/wp/v2/posts", auth=None, json={"title": "x", "status": "publish"})
    expect_error(response, 401, "rest_cannot_create")


# --- posts -----------------------------------------------------------------------------------


@pytest.mark.parametrize("form", ROUTE_FORMS)
def test_publish_post_returns_what_the_connector_reads(
    wp: WordPressTarget, make_post: PostFactory, form: RouteForm
) -> None:
    slug = unique("kanal-publish")
    before = datetime.now(UTC) - timedelta(minutes=5)
    title, content = f"Biblioteket {slug}", f"<p>Nya öppettider {slug}</p>"
    response = wp.call(
        "POST",
        "/wp/v2/posts",
        form=form,
        json={"title": title, "content": content, "status": "publish", "slug": slug},
    )
    post = expect_status(response, 201)
    try:
        assert_shape(post, POST_EDIT_SHAPE)  # a write answers in context=edit
        assert response.headers.get("Location", "").endswith(f"/wp/v2/posts/{post['id']}")
        assert post["status"] == "publish"
        assert post["type"] == "post"
        assert post["slug"] == slug
        assert post["title"]["raw"] == title
        assert post["content"]["raw"] == content
        assert slug in post["content"]["rendered"]
        assert post["author"] == me(wp)["id"]
        published_at = assert_wp_date(post["date_gmt"], "date_gmt")
        assert before <= published_at <= datetime.now(UTC) + timedelta(minutes=5)
        assert_wp_date(post["date"], "date")
        assert post["link"] == f"{wp.site_url}/{slug}/"

        public = expect_status(wp.call("GET", f"/wp/v2/posts/{post['id']}", auth=None), 200)
        assert_shape(public, POST_VIEW_SHAPE)
        assert "raw" not in public["title"]
        assert public["link"] == post["link"]
        assert public["date_gmt"] == post["date_gmt"]
    finally:
        wp.call("DELETE", f"/wp/v2/posts/{post['id']}", params={"force": "true"})


def test_draft_without_slug_has_empty_slug_and_a_generated_one(
    wp: WordPressTarget, make_post: PostFactory
) -> None:
    post = make_post(status="draft", title="Utkast om bygglov")
    assert_shape(post, POST_EDIT_SHAPE)
    assert post["status"] == "draft"
    assert post["slug"] == ""
    assert post["generated_slug"] == "utkast-om-bygglov"
    assert post["link"] == f"{wp.site_url}/?p={post['id']}"
    assert_wp_date(post["date_gmt"], "date_gmt")
    # A draft is not public.
    expect_error(wp.call("GET", f"/wp/v2/posts/{post['id']}", auth=None), 401, "rest_forbidden")
    edit = wp.call("GET", f"/wp/v2/posts/{post['id']}", params={"context": "edit"})
    assert expect_status(edit, 200)["title"]["raw"] == "Utkast om bygglov"


def test_draft_with_explicit_slug_is_found_by_slug_with_its_status(
    wp: WordPressTarget, make_post: PostFactory
) -> None:
    slug = unique("kanal-draft")
    post = make_post(status="draft", slug=slug)
    assert post["slug"] == slug
    found = wp.call("GET", "/wp/v2/posts", params={"slug": slug, "status": "draft"})
    assert ids(expect_status(found, 200)) == [post["id"]]
    # The default status filter is "publish"; anonymous callers may not ask for others.
    assert expect_status(wp.call("GET", "/wp/v2/posts", params={"slug": slug}), 200) == []
    forbidden = wp.call("GET", "/wp/v2/posts", auth=None, params={"slug": slug, "status": "draft"})
    body = expect_error(forbidden, 400, "rest_invalid_param")
    assert "status" in body["data"]["params"]


def test_future_post_keeps_its_date_gmt(wp: WordPressTarget, make_post: PostFactory) -> None:
    when = wp_gmt(datetime.now(UTC).replace(microsecond=0) + timedelta(days=2, hours=3))
    slug = unique("kanal-future")
    post = make_post(status="future", date_gmt=when, slug=slug)
    assert_shape(post, POST_EDIT_SHAPE)
    assert post["status"] == "future"
    assert post["date_gmt"] == when
    assert post["slug"] == slug
    assert post["link"] == f"{wp.site_url}/?p={post['id']}"
    found = wp.call("GET", "/wp/v2/posts", params={"slug": slug, "status": "future"})
    assert ids(expect_status(found, 200)) == [post["id"]]


def test_date_gmt_with_z_suffix_is_accepted(wp: WordPressTarget, make_post: PostFactory) -> None:
    when = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    post = make_post(status="future", date_gmt=wp_gmt(when) + "Z")
    assert post["date_gmt"] == wp_gmt(when)


def test_publish_with_a_future_date_is_scheduled(
    wp: WordPressTarget, make_post: PostFactory
) -> None:
    when = wp_gmt(datetime.now(UTC).replace(microsecond=0) + timedelta(days=1))
    post = make_post(status="publish", date_gmt=when)
    assert post["status"] == "future"
    assert post["date_gmt"] == when


def test_future_with_a_past_date_is_published_at_once(
    wp: WordPressTarget, make_post: PostFactory
) -> None:
    post = make_post(status="future", date_gmt="2020-01-02T03:04:05")
    assert post["status"] == "publish"
    assert post["date_gmt"] == "2020-01-02T03:04:05"


def test_published_post_is_found_by_slug(
    wp: WordPressTarget, published_post: dict[str, Any]
) -> None:
    for form in ROUTE_FORMS:
        response = wp.call(
            "GET", "/wp/v2/posts", auth=None, form=form, params={"slug": published_post["slug"]}
        )
        found = expect_status(response, 200)
        assert ids(found) == [published_post["id"]]
        assert_shape(found[0], POST_VIEW_SHAPE)
        assert total_headers(response) == (1, 1)
    missing = wp.call("GET", "/wp/v2/posts", params={"slug": unique("kanal-none")})
    assert expect_status(missing, 200) == []
    assert total_headers(missing) == (0, 0)


def test_a_taken_slug_gets_a_suffix(wp: WordPressTarget, make_post: PostFactory) -> None:
    slug = unique("kanal-twice")
    first = make_post(status="publish", slug=slug)
    second = make_post(status="publish", slug=slug)
    assert first["slug"] == slug
    assert second["slug"] == f"{slug}-2"


def test_update_post(wp: WordPressTarget, published_post: dict[str, Any]) -> None:
    response = wp.call(
        "POST", f"/wp/v2/posts/{published_post['id']}", json={"title": "Rättad rubrik"}
    )
    updated = expect_status(response, 200)
    assert_shape(updated, POST_EDIT_SHAPE)
    assert updated["title"]["raw"] == "Rättad rubrik"
    assert updated["id"] == published_post["id"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("status", "bogus"), ("date_gmt", "igår"), ("featured_media", "bild")],
)
def test_invalid_post_fields_are_400_invalid_param(
    wp: WordPressTarget, field: str, value: str
) -> None:
    response = wp.call("POST", "/wp/v2/posts", json={"title": "x", field: value})
    body = expect_error(response, 400, "rest_invalid_param")
    assert_shape(body["data"], {"status": int, "params": dict})
    assert list(body["data"]["params"]) == [field]


def test_posts_paging_headers_and_limits(wp: WordPressTarget, make_post: PostFactory) -> None:
    make_post(status="publish")
    make_post(status="publish")
    first = wp.call("GET", "/wp/v2/posts", auth=None, params={"per_page": 1})
    assert len(expect_status(first, 200)) == 1
    total, pages = total_headers(first)
    assert total >= 2
    assert pages == total
    assert "next" in link_targets(first.headers.get("Link", ""))
    assert "prev" not in link_targets(first.headers.get("Link", ""))

    last = wp.call("GET", "/wp/v2/posts", auth=None, params={"per_page": 1, "page": pages})
    assert len(expect_status(last, 200)) == 1
    assert "prev" in link_targets(last.headers.get("Link", ""))
    assert "next" not in link_targets(last.headers.get("Link", ""))

    past_end = wp.call("GET", "/wp/v2/posts", auth=None, params={"per_page": 1, "page": pages + 1})
    expect_error(past_end, 400, "rest_post_invalid_page_number")

    too_many = wp.call("GET", "/wp/v2/posts", auth=None, params={"per_page": 101})
    body = expect_error(too_many, 400, "rest_invalid_param")
    assert list(body["data"]["params"]) == ["per_page"]
    full = wp.call("GET", "/wp/v2/posts", auth=None, params={"per_page": 100})
    expect_status(full, 200)


def test_delete_post_trashes_then_deletes(wp: WordPressTarget, make_post: PostFactory) -> None:
    post = make_post(status="publish")
    route = f"/wp/v2/posts/{post['id']}"
    trashed = expect_status(wp.call("DELETE", route), 200)
    assert trashed["id"] == post["id"]
    assert trashed["status"] == "trash"
    expect_error(wp.call("DELETE", route), 410, "rest_already_trashed")

    deleted = expect_status(wp.call("DELETE", route, params={"force": "true"}), 200)
    assert_shape(deleted, {"deleted": bool, "previous": {"id": int, "status": str}})
    assert deleted["deleted"] is True
    assert deleted["previous"]["id"] == post["id"]
    expect_error(wp.call("GET", route), 404, "rest_post_invalid_id")
    expect_error(wp.call("DELETE", route, params={"force": "true"}), 404, "rest_post_invalid_id")


def test_unknown_post_and_unknown_route(wp: WordPressTarget) -> None:
    expect_error(wp.call("GET", "/wp/v2/posts/987654321"), 404, "rest_post_invalid_id")
    expect_error(wp.call("GET", "/wp/v2/no-such-thing"), 404, "rest_no_route")


# --- media -----------------------------------------------------------------------------------


def test_media_upload_alt_text_and_featured_image(
    wp: WordPressTarget, make_post: PostFactory
) -> None:
    image = png_image()
    filename = f"{unique('plogbil')}.png"
    response = wp.call(
        "POST",
        "/wp/v2/media",
        data=image,
        headers={
            "Content-Type": "image/png",
            "Content-Disposition": f'attachment; filename="{filename}"',
        },
    )
    media = expect_status(response, 201)
    try:
        assert_shape(media, MEDIA_SHAPE)
        assert response.headers.get("Location", "").endswith(f"/wp/v2/media/{media['id']}")
        assert media["media_type"] == "image"
        assert media["mime_type"] == "image/png"
        assert media["alt_text"] == ""
        assert media["source_url"].endswith(f"/{filename}")
        assert media["source_url"].startswith(f"{wp.site_url}/")
        served = wp.session.get(media["source_url"], timeout=TIMEOUT_S)
        assert served.status_code == 200
        assert served.content == image

        alt = "Plogbil på Storgatan i snöyra"
        described = wp.call("POST", f"/wp/v2/media/{media['id']}", json={"alt_text": alt})
        assert expect_status(described, 200)["alt_text"] == alt
        read_back = wp.call("GET", f"/wp/v2/media/{media['id']}", auth=None)
        assert expect_status(read_back, 200)["alt_text"] == alt

        post = make_post(status="publish", featured_media=media["id"])
        assert post["featured_media"] == media["id"]
    finally:
        wp.call("DELETE", f"/wp/v2/media/{media['id']}", params={"force": "true"})


def test_media_cannot_be_trashed_only_deleted(wp: WordPressTarget) -> None:
    response = wp.call(
        "POST",
        "/wp/v2/media",
        data=png_image(),
        headers={
            "Content-Type": "image/png",
            "Content-Disposition": f'attachment; filename="{unique("bild")}.png"',
        },
    )
    media = expect_status(response, 201)
    route = f"/wp/v2/media/{media['id']}"
    expect_error(wp.call("DELETE", route), 501, "rest_trash_not_supported")
    deleted = expect_status(wp.call("DELETE", route, params={"force": "true"}), 200)
    assert deleted["deleted"] is True
    expect_error(wp.call("GET", route), 404, "rest_post_invalid_id")


def test_media_upload_without_content_disposition_is_rejected(wp: WordPressTarget) -> None:
    response = wp.call(
        "POST", "/wp/v2/media", data=png_image(), headers={"Content-Type": "image/png"}
    )
    expect_error(response, 400, "rest_upload_no_content_disposition")


def test_media_upload_needs_credentials(wp: WordPressTarget) -> None:
    response = wp.call(
        "POST",
        "/wp/v2/media",
        auth=None,
        data=png_image(),
        headers={
            "Content-Type": "image/png",
            "Content-Disposition": 'attachment; filename="bild.png"',
        },
    )
    expect_error(response, 401, "rest_cannot_create")


# --- comments --------------------------------------------------------------------------------


def test_citizen_comment_is_held_for_moderation(
    wp: WordPressTarget, published_post: dict[str, Any], citizen_comment: CommentFactory
) -> None:
    text = f"När plogas Storgatan? {unique('q')}"
    response = wp.call(
        "POST",
        "/wp/v2/comments",
        auth=None,
        json={"post": published_post["id"], "content": text, **CITIZEN},
    )
    comment = expect_status(response, 201)
    assert_shape(comment, COMMENT_SHAPE)
    assert response.headers.get("Location", "").endswith(f"/wp/v2/comments/{comment['id']}")
    # Default discussion settings: a first-time commenter waits for approval.
    assert comment["status"] == "hold"
    assert comment["post"] == published_post["id"]
    assert comment["parent"] == 0
    assert comment["author"] == 0
    assert comment["author_name"] == CITIZEN["author_name"]
    assert comment["type"] == "comment"
    assert text in comment["content"]["rendered"]
    assert "raw" not in comment["content"]  # anonymous answers are in context=view
    assert_wp_date(comment["date_gmt"], "date_gmt")

    public = wp.call("GET", "/wp/v2/comments", auth=None, params={"post": published_post["id"]})
    assert expect_status(public, 200) == []
    assert total_headers(public) == (0, 0)
    expect_error(
        wp.call("GET", f"/wp/v2/comments/{comment['id']}", auth=None), 401, "rest_cannot_read"
    )

    held_filter = {"post": published_post["id"], "status": "hold"}
    held = wp.call("GET", "/wp/v2/comments", params=held_filter)
    assert ids(expect_status(held, 200)) == [comment["id"]]
    # Lists answer in context=view even to an editor: no raw content, no e-mail address.
    assert_shape(expect_status(held, 200)[0], COMMENT_SHAPE)
    assert "author_email" not in expect_status(held, 200)[0]

    edit = wp.call("GET", f"/wp/v2/comments/{comment['id']}", params={"context": "edit"})
    as_editor = expect_status(edit, 200)
    assert_shape(as_editor, COMMENT_EDIT_SHAPE)
    assert as_editor["content"]["raw"] == text
    assert as_editor["author_email"] == CITIZEN["author_email"]


def test_citizen_comment_needs_name_and_email(
    wp: WordPressTarget, published_post: dict[str, Any]
) -> None:
    response = wp.call(
        "POST", "/wp/v2/comments", auth=None, json={"post": published_post["id"], "content": "x"}
    )
    expect_error(response, 400, "rest_comment_author_data_required")


def test_comment_on_a_missing_post_is_403(wp: WordPressTarget) -> None:
    response = wp.call(
        "POST",
        "/wp/v2/comments",
        auth=None,
        json={"post": 987654321, "content": "Hallå?", **CITIZEN},
    )
    expect_error(response, 403, "rest_comment_invalid_post_id")


def test_listing_other_statuses_needs_credentials(wp: WordPressTarget) -> None:
    for status in ("hold", "spam", "trash"):
        response = wp.call("GET", "/wp/v2/comments", auth=None, params={"status": status})
        expect_error(response, 401, "rest_forbidden_param")


def test_moderation_cycle_approve_hold_spam_trash_delete(
    wp: WordPressTarget, published_post: dict[str, Any], citizen_comment: CommentFactory
) -> None:
    post_id = published_post["id"]
    comment = citizen_comment(post_id)
    route = f"/wp/v2/comments/{comment['id']}"

    def listed(status: str | None) -> list[int]:
        params: dict[str, Any] = {"post": post_id}
        if status:
            params["status"] = status
        return ids(expect_status(wp.call("GET", "/wp/v2/comments", params=params), 200))

    approved = moderate(wp, comment["id"], "approve")
    assert_shape(approved, COMMENT_EDIT_SHAPE)
    assert approved["status"] == "approved"
    public = wp.call("GET", "/wp/v2/comments", auth=None, params={"post": post_id})
    assert ids(expect_status(public, 200)) == [comment["id"]]
    assert total_headers(public) == (1, 1)

    assert moderate(wp, comment["id"], "hold")["status"] == "hold"
    assert listed(None) == []
    assert listed("hold") == [comment["id"]]

    assert moderate(wp, comment["id"], "spam")["status"] == "spam"
    assert listed("spam") == [comment["id"]]
    assert listed("hold") == []

    assert moderate(wp, comment["id"], "approved")["status"] == "approved"
    assert listed("approve") == [comment["id"]]

    assert moderate(wp, comment["id"], "trash")["status"] == "trash"
    assert listed("trash") == [comment["id"]]
    assert listed(None) == []
    expect_error(wp.call("DELETE", route), 410, "rest_already_trashed")

    deleted = expect_status(wp.call("DELETE", route, params={"force": "true"}), 200)
    assert_shape(deleted, {"deleted": bool, "previous": COMMENT_EDIT_SHAPE})
    assert deleted["deleted"] is True
    assert deleted["previous"]["id"] == comment["id"]
    expect_error(wp.call("GET", route), 404, "rest_comment_invalid_id")
    assert listed("trash") == []


def test_delete_comment_without_force_trashes_it(
    wp: WordPressTarget, published_post: dict[str, Any], citizen_comment: CommentFactory
) -> None:
    comment = citizen_comment(published_post["id"])
    trashed = expect_status(wp.call("DELETE", f"/wp/v2/comments/{comment['id']}"), 200)
    assert trashed["id"] == comment["id"]
    assert trashed["status"] == "trash"


def test_reply_as_the_user(
    wp: WordPressTarget, published_post: dict[str, Any], citizen_comment: CommentFactory
) -> None:
    post_id = published_post["id"]
    question = citizen_comment(post_id)
    moderate(wp, question["id"], "approve")
    text = f"Storgatan plogas före klockan sju. {unique('svar')}"
    response = wp.call(
        "POST", "/wp/v2/comments", json={"post": post_id, "parent": question["id"], "content": text}
    )
    reply = expect_status(response, 201)
    assert_shape(reply, COMMENT_EDIT_SHAPE)
    assert reply["parent"] == question["id"]
    assert reply["post"] == post_id
    assert reply["author"] == me(wp)["id"]
    assert reply["status"] == "approved"  # the user may moderate, so their reply goes straight out
    assert reply["content"]["raw"] == text

    children = wp.call("GET", "/wp/v2/comments", auth=None, params={"parent": question["id"]})
    assert ids(expect_status(children, 200)) == [reply["id"]]
    top_level = wp.call("GET", "/wp/v2/comments", auth=None, params={"post": post_id, "parent": 0})
    assert ids(expect_status(top_level, 200)) == [question["id"]]


def test_reply_to_a_held_comment_is_accepted(
    wp: WordPressTarget, published_post: dict[str, Any], citizen_comment: CommentFactory
) -> None:
    question = citizen_comment(published_post["id"])
    response = wp.call(
        "POST",
        "/wp/v2/comments",
        json={"post": published_post["id"], "parent": question["id"], "content": "Tack!"},
    )
    assert expect_status(response, 201)["parent"] == question["id"]


def test_comment_listing_filters_order_and_paging(
    wp: WordPressTarget, published_post: dict[str, Any], citizen_comment: CommentFactory
) -> None:
    post_id = published_post["id"]
    first = citizen_comment(post_id)
    time.sleep(1.2)  # REST dates have whole seconds; `after` is strictly after
    second = citizen_comment(post_id)
    third = citizen_comment(post_id)
    for comment in (first, second, third):
        moderate(wp, comment["id"], "approve")
    everyone = {"post": post_id}

    def page(**params: Any) -> requests.Response:
        return wp.call("GET", "/wp/v2/comments", auth=None, params={**everyone, **params})

    newest_first = page(orderby="date_gmt", order="desc")
    assert ids(expect_status(newest_first, 200))[-1] == first["id"]
    oldest_first = expect_status(page(orderby="id", order="asc"), 200)
    assert ids(oldest_first) == [first["id"], second["id"], third["id"]]
    for item in oldest_first:
        assert_shape(item, COMMENT_SHAPE)

    # `after` is strictly later. A value without offset is read in the site's time zone (compared
    # with `date`); one with an offset is an absolute time. So date_gmt must be sent with "Z".
    for after in (first["date"], first["date_gmt"] + "Z", first["date_gmt"] + "+00:00"):
        later = expect_status(page(after=after, orderby="id", order="asc"), 200)
        assert ids(later) == [second["id"], third["id"]], after

    page_one = page(per_page=2, page=1, orderby="id", order="asc")
    assert ids(expect_status(page_one, 200)) == [first["id"], second["id"]]
    assert total_headers(page_one) == (3, 2)
    assert "next" in link_targets(page_one.headers.get("Link", ""))
    page_two = page(per_page=2, page=2, orderby="id", order="asc")
    assert ids(expect_status(page_two, 200)) == [third["id"]]
    assert total_headers(page_two) == (3, 2)
    assert "prev" in link_targets(page_two.headers.get("Link", ""))
    assert "next" not in link_targets(page_two.headers.get("Link", ""))

    # Unlike posts, a comments page past the end is an empty 200, not an error.
    past_end = page(per_page=2, page=3)
    assert expect_status(past_end, 200) == []
    assert total_headers(past_end) == (3, 2)

    too_many = page(per_page=101)
    body = expect_error(too_many, 400, "rest_invalid_param")
    assert list(body["data"]["params"]) == ["per_page"]
    bad_order = page(orderby="popularity")
    assert list(expect_error(bad_order, 400, "rest_invalid_param")["data"]["params"]) == ["orderby"]


def test_unknown_comment_is_404(wp: WordPressTarget) -> None:
    expect_error(wp.call("GET", "/wp/v2/comments/987654321"), 404, "rest_comment_invalid_id")
    response = wp.call("POST", "/wp/v2/comments/987654321", json={"status": "approve"})
    expect_error(response, 404, "rest_comment_invalid_id")


def test_citizen_html_is_filtered_like_wordpress_does(
    wp: WordPressTarget, published_post: dict[str, Any], citizen_comment: CommentFactory
) -> None:
    comment = citizen_comment(
        published_post["id"],
        '<script>alert(1)</script><b>fet</b> <img src="http://track.example/p.gif"> '
        '<a href="http://spam.example" onclick="x()">länk</a>',
        author_name="Spammy <b>Bo</b>",
    )
    rendered = comment["content"]["rendered"]
    # kses keeps harmless markup, drops scripts, images and event handlers, and marks links.
    for gone in ("<script", "<img", "onclick", "track.example"):
        assert gone not in rendered, rendered
    assert "<b>fet</b>" in rendered
    assert '<a href="http://spam.example" rel="nofollow ugc">länk</a>' in rendered
    assert comment["author_name"] == "Spammy Bo"


def test_the_same_reply_twice_is_409_duplicate(
    wp: WordPressTarget, published_post: dict[str, Any]
) -> None:
    body = {"post": published_post["id"], "content": f"Tack för frågan! {unique('dup')}"}
    expect_status(wp.call("POST", "/wp/v2/comments", json=body), 201)
    expect_error(wp.call("POST", "/wp/v2/comments", json=body), 409, "comment_duplicate")
