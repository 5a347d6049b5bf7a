"""``python -m desktop_app`` and the ``kanal`` console script.

The last line of defence: ``cli.main`` already turns a command's failures into one line; this
catches what happens before it can (a broken install that cannot import the CLI, an interrupt
during start-up), so even then the user gets one line and a non-zero exit, not a traceback.
"""

from __future__ import annotations

import sys

EXIT_SOFTWARE = 70  # as cli.errors.ExitCode.SOFTWARE (not imported: that import may be what failed)
EXIT_INTERRUPTED = 130


def main() -> None:
    try:
        from desktop_app.cli.main import main as cli_main

        code = cli_main(sys.argv[1:])
    except KeyboardInterrupt:
        code = EXIT_INTERRUPTED
    except Exception as error:
        try:
            detail = " ".join(f"{type(error).__name__}: {error}".split())
            sys.stderr.write(f"kanal: cannot start ({detail})\n")
        except (OSError, ValueError):
            pass
        code = EXIT_SOFTWARE
    sys.exit(code)


if __name__ == "__main__":
    main()
