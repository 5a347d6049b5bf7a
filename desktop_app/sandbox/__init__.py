"""A local emulator of WordPress, Facebook Pages, X, Mastodon and Bluesky (see README.md).

It stands in for the outside world, so it imports nothing from the rest of desktop_app.
"""
