"""The platforms Kanal speaks to."""

from __future__ import annotations

from enum import StrEnum


class Network(StrEnum):
    WORDPRESS = "wordpress"
    FACEBOOK = "facebook"
    X = "x"
    MASTODON = "mastodon"
    BLUESKY = "bluesky"


def parse_network(name: str) -> Network:
    """Accept the CLI's spellings ("x", "twitter", "WordPress") and refuse anything else."""
    aliases = {"twitter": "x", "wp": "wordpress", "fb": "facebook", "bsky": "bluesky"}
    key = name.strip().lower()
    key = aliases.get(key, key)
    try:
        return Network(key)
    except ValueError:
        valid = ", ".join(n.value for n in Network)
        raise ValueError(f"unknown network {name!r}; choose one of: {valid}") from None
