"""The frozen programs' entry point (kanal and kanalw, packaging/kanal.spec).

A windowed Windows program (kanalw.exe) has no console: sys.stdout and sys.stderr are None and
the first print would crash. Give them a place to go (nowhere: the window logs to its own file),
then run Kanal exactly as ``python -m desktop_app`` does.
"""

from __future__ import annotations

import os
import sys


def _ensure_streams() -> None:
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115


if __name__ == "__main__":
    _ensure_streams()
    from desktop_app.__main__ import main

    main()
