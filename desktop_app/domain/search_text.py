"""What full-text search sees of a text: what a person reads, not how it was encoded.

Citizens' texts arrive with zero-width spaces and joiners, soft hyphens, byte-order marks and
bidi controls (Unicode's "format" characters, category Cf) inside words, and with compatibility
forms (full-width letters, ligatures). A search for "Hallo" must find "Hal\u200blo". The stored
text stays exactly as received (it is the record); only the search column is normalised.
"""

from __future__ import annotations

import unicodedata


def searchable(text: str) -> str:
    """NFKC-normalised text without format characters: the form the search index holds."""
    normalised = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in normalised if unicodedata.category(ch) != "Cf")


def search_document(author_name: str, author_handle: str, text: str) -> str:
    """The one column the inbox's search index covers: who wrote it and what they wrote."""
    return searchable(f"{author_name} {author_handle} {text}")
