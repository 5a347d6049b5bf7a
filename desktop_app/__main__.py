"""``python -m desktop_app`` and the ``kanal`` console script."""

from __future__ import annotations

import sys

from desktop_app.cli.main import main as cli_main


def main() -> None:
    sys.exit(cli_main(sys.argv[1:]))


if __name__ == "__main__":
    main()
