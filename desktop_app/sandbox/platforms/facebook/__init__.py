"""Facebook Graph API for Pages under ``/facebook`` (any ``/vNN.0/`` version, or none).

User tokens come from the login dialog (or the printed demo token); page tokens from
``GET /me/accounts``. Publishing, replying, hiding and deleting need the page token, as on the
real Graph API. Token lifetimes follow Meta's: a user token from the code exchange lasts one hour
and so does every page token taken with it; ``fb_exchange_token`` gives a 60-day user token whose
page tokens do not expire. Errors carry the real codes (190 with subcodes for invalid/expired
tokens, 100 for bad parameters, 200 for permissions, 4/32 for rate limits, 506 for duplicates).

Modules: ``base`` (state, errors, tokens), ``oauth`` (login dialog, token exchange,
``debug_token``), ``nodes`` (single objects and their views), ``edges`` (feed, photos, comments and
their paging), ``platform`` (the route table, staging, the state dump).
"""

from desktop_app.sandbox.platforms.facebook.base import DEFAULT_VERSION, fb_time
from desktop_app.sandbox.platforms.facebook.platform import Facebook

__all__ = ["DEFAULT_VERSION", "Facebook", "fb_time"]
