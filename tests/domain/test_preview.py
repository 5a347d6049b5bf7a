from desktop_app.domain.networks import Network
from desktop_app.domain.preview import PreviewImage, cut_to_fit, first_link, fits, preview
from desktop_app.domain.text_rules import measure

LONG = ("Kommunfullmäktige sammanträder i morgon klockan 18 i stadshuset. " * 6).strip()


def test_a_text_over_the_limit_is_shown_cut_where_the_network_would_refuse_it() -> None:
    shown = preview(Network.X, LONG)
    assert shown.cut and len(shown.parts) == 1
    assert shown.parts[0].endswith("…")
    assert measure(Network.X, shown.parts[0]).over_by == 0
    assert not preview(Network.MASTODON, LONG).cut  # 500 characters is enough there


def test_a_thread_on_x_is_shown_part_by_part_numbered() -> None:
    shown = preview(Network.X, LONG, as_thread=True)
    assert not shown.cut and len(shown.parts) >= 2
    assert shown.parts[0].endswith(f"1/{len(shown.parts)}")
    assert all(fits(Network.X, part) for part in shown.parts)


def test_the_first_link_becomes_the_card_and_images_keep_their_alt_text() -> None:
    text = "Läs mer på https://www.sandviken.se/fullmaktige. Välkommen!"
    images = (PreviewImage("a.png", "Stadshuset"), PreviewImage("b.png", ""))
    shown = preview(Network.FACEBOOK, text, images=images)
    assert shown.link == "https://www.sandviken.se/fullmaktige"
    assert shown.images_without_alt == 1
    assert first_link("inga länkar") is None


def test_only_the_blog_shows_a_title() -> None:
    assert preview(Network.WORDPRESS, "Text", title="Rubrik").title == "Rubrik"
    assert preview(Network.X, "Text", title="Rubrik").title == ""


def test_a_fitting_text_is_not_cut() -> None:
    assert cut_to_fit(Network.X, "Hej") == "Hej"
