"""Kanal's translations, style sheet and icon.

Kept in the top-level ``resources/`` folder of the checkout and installed as the package
``desktop_app.resources`` (setup.py maps it), so every kind of install finds them with
``importlib.resources``. Read them through ``desktop_app.resources_access``.
"""
