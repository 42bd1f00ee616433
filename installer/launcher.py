"""The bundle's entry point (PyInstaller freezes this script): the app's command line."""

import sys

from app.cli import main

if __name__ == "__main__":
    sys.exit(main())
