"""Saved replies (svarsmallar): texts an officer reuses, with placeholders filled per item.

Pure. Placeholders: ``{namn}`` the citizen's name, ``{konto}`` the authority's account,
``{datum}`` today's date (formatted by the caller in the user's locale). English aliases
``{name}``, ``{account}``, ``{date}`` work too. Unknown braces are left as typed, so a
template can hold a literal ``{`` without failing."""

from __future__ import annotations

import re
from dataclasses import dataclass

_ALIASES = {"name": "namn", "account": "konto", "date": "datum"}
_FIELD = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class SavedReply:
    title: str
    text: str


def fill(template: str, *, name: str, account: str, date: str) -> str:
    """The template with its placeholders replaced; anything else unchanged."""
    values = {"namn": name, "konto": account, "datum": date}

    def replace(match: re.Match[str]) -> str:
        key = _ALIASES.get(match.group(1), match.group(1))
        return values.get(key, match.group(0))

    return _FIELD.sub(replace, template)


DEFAULT_REPLIES = (
    SavedReply(
        "Tack, vi återkommer",
        "Hej {namn}! Tack för att du hör av dig. Vi tittar på det och återkommer så snart vi "
        "kan. Vänliga hälsningar, {konto}",
    ),
    SavedReply(
        "Kontakta kundtjänst",
        "Hej {namn}! Det här hjälper kommunens kundtjänst dig bäst med: ring eller mejla dem "
        "så får du svar. Vänliga hälsningar, {konto}",
    ),
    SavedReply(
        "Personuppgifter",
        "Hej {namn}! Skriv inte personuppgifter här i kommentarerna. Kontakta oss i stället "
        "direkt. Vänliga hälsningar, {konto} ({datum})",
    ),
)
