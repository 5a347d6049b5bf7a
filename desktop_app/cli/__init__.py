"""The headless command line: the same engine as the window, for scripts, IT staff and tests."""
