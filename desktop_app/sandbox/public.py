"""The simulated public: seeded citizens who comment, mention and reply in Swedish.

At ``rate`` items per simulated minute the simulator stages items on every platform in turn,
always drawing from one seeded generator, so the same seed gives the same people saying the
same things in the same order. About a quarter of the items are the hard cases a real inbox
gets (markup and script injection, tracking images, 20 kB rants, emoji with modifiers,
right-to-left text, zero-width characters, spam links, replies to replies).
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any

from desktop_app.sandbox.core import SimClock
from desktop_app.sandbox.platforms.base import Platform, StageError

FIRST_NAMES = (
    "Anna",
    "Erik",
    "Maria",
    "Lars",
    "Karin",
    "Johan",
    "Eva",
    "Anders",
    "Kristina",
    "Per",
    "Ingrid",
    "Mohammed",
    "Fatima",
    "Sven",
    "Elin",
    "Oskar",
    "Aisha",
    "Nils",
    "Sara",
    "Gunnar",
    "Linnéa",
    "Björn",
    "Åsa",
    "Örjan",
    "Zeynep",
    "Mikael",
    "Ebba",
    "Hassan",
    "Märta",
    "Tiina",
)
LAST_NAMES = (
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Lindberg",
    "Öberg",
    "Åkesson",
    "Al-Hassan",
    "Lindqvist",
    "Hedlund",
    "Sundström",
    "Nyström",
)
TOPICS = {
    "snöröjning": (
        "När plogas Björkvägen? Vi har inte kunnat ta oss ut på två dagar.",
        "Tack till plogförarna som var ute redan kl 4 i morse!",
        "Varför plogas cykelvägen före bilvägen vid skolan? Bra tycker jag.",
        "Snövallen vid korsningen Storgatan/Parkvägen skymmer sikten helt.",
    ),
    "äldreboende": (
        "Min mamma har väntat på plats i äldreboende i fyra månader. Hur lång är kön?",
        "Kan man önska ett särskilt boende när man ansöker?",
        "Personalen på Solgården gör ett fantastiskt jobb, stort tack!",
    ),
    "gymnasieval": (
        "När stänger gymnasievalet i år? Hittar inte datumet.",
        "Finns det fortfarande platser kvar på naturvetenskapsprogrammet?",
        "Blir det busskort för elever som väljer skola i grannkommunen?",
    ),
    "bygglov": (
        "Hur lång handläggningstid har ni för bygglov för attefallshus just nu?",
        "Jag skickade in min ansökan för sex veckor sedan och har inte hört något.",
        "Behövs bygglov för att glasa in en altan?",
    ),
    "bibliotek": (
        "Har biblioteket öppet i mellandagarna?",
        "Superbra med längre öppettider på lördagar!",
        "Kan man låna e-böcker med samma lånekort?",
    ),
}
REPLIES = (
    "Håller med!",
    "Nej, så var det inte alls i vårt område.",
    "Samma problem här.",
    "Ring kommunens kontaktcenter, de brukar kunna svara.",
    "Har ni fått något svar än?",
)


def _hard_cases(rng: random.Random, name: str) -> list[str]:
    rant_line = "Jag är så trött på att ingen lyssnar på oss som bor här ute på landet! "
    return [
        "<script>alert('xss')</script>Hej, när öppnar simhallen igen?",
        '<img src="http://tracker.example/pixel.gif?u='
        + str(rng.randint(1000, 9999))
        + '" width="1" height="1">Fråga om sophämtningen',
        '<a href="javascript:alert(1)">Klicka här</a> för att se bilder på hålet i vägen',
        (rant_line * (20_000 // len(rant_line) + 1))[:20_000],
        "Tack för snöröjningen! 👍🏽👏🏿 👨‍👩‍👧‍👦 🇸🇪",
        "مرحبا، متى يفتح مكتب البلدية؟ Tack på förhand!",
        "שלום, מתי נפתחת הספרייה?",
        "Ha\u200bll\u200co\u200d? Va\u2060rför s\ufeffvarar ingen?",
        "Tjäna 5000 kr om dagen hemifrån!!! https://bit.ly/snabba-pengar http://spam.example/win",
        f"@{name.split()[0]} du har fel, läs protokollet från fullmäktige.",
        "Test &amp; &lt;b&gt;fet&lt;/b&gt; & <b>riktigt fet</b> \"citat\" 'enkla'",
        "Å Ä Ö å ä ö — och e\u0301 som två kodpunkter",
    ]


MAX_CATCH_UP = 20_000  # several times what every platform keeps (PUBLIC_ITEMS_PER_ACCOUNT)


class PublicSimulator:
    """Stages citizens' items at a rate per simulated minute; call catch_up() to let time pass."""

    def __init__(
        self,
        seed: int,
        clock: SimClock,
        platforms: Mapping[str, Platform],
        rate: Callable[[], float],
    ) -> None:
        self._rng = random.Random(f"{seed}:public")
        self._clock = clock
        self._platforms = platforms
        self._rate = rate
        self._last = clock.now()
        self._owed = 0.0
        self._turn = 0
        self._recent: dict[str, deque[str]] = {name: deque(maxlen=50) for name in platforms}
        self.staged = 0

    def restart_clock(self) -> None:
        self._last = self._clock.now()
        self._owed = 0.0

    def catch_up(self) -> int:
        """Stage what the public would have said since the last call; returns how many."""
        now = self._clock.now()
        elapsed = max(0.0, now - self._last)
        self._last = now
        rate = self._rate()
        if rate <= 0 or elapsed <= 0:
            return 0
        self._owed += rate * elapsed / 60.0
        count = int(self._owed)
        self._owed -= count
        # A long jump in time would otherwise stage without bound: the public says at most this
        # much at once (each platform keeps only its most recent items anyway).
        count = min(count, MAX_CATCH_UP)
        for index in range(count):
            at = now - elapsed + elapsed * (index + 1) / (count + 1)
            self.stage_one(at)
        return count

    def citizen(self) -> str:
        return f"{self._rng.choice(FIRST_NAMES)} {self._rng.choice(LAST_NAMES)}"

    def text(self, author: str) -> str:
        if self._rng.random() < 0.25:
            return self._rng.choice(_hard_cases(self._rng, author))
        topic = self._rng.choice(sorted(TOPICS))
        return self._rng.choice(TOPICS[topic])

    def stage_one(self, at: float | None = None) -> dict[str, Any] | None:
        """One item on the next platform in turn (deterministic under the seed)."""
        names = sorted(self._platforms)
        name = names[self._turn % len(names)]
        self._turn += 1
        platform = self._platforms[name]
        author = self.citizen()
        roll = self._rng.random()
        recent = self._recent[name]
        kinds = platform.supported_kinds()
        in_reply_to: str | None = None
        if roll < 0.2 and recent and "reply" in kinds:
            kind = "reply"
            in_reply_to = recent[self._rng.randrange(len(recent))]
            text = self._rng.choice(REPLIES)
        elif roll < 0.5 and "mention" in kinds:
            kind = "mention"
            text = self.text(author)
        else:
            kind = "comment"
            text = self.text(author)
        posts = platform.recent_post_ids()
        post_id = posts[self._rng.randrange(len(posts))] if posts and kind == "comment" else None
        try:
            item = platform.stage_public(kind, None, author, text, post_id, in_reply_to, at=at)
        except StageError:
            return None  # the post or comment was pruned or deleted meanwhile
        recent.append(str(item["id"]))
        self.staged += 1
        return {"platform": name, "kind": kind, **item}
