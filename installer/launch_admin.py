"""Entry script of the bundled administration command (``backoffice-admin``)."""

import multiprocessing
import sys

from backoffice.cli import main

if __name__ == "__main__":
    # A bundled program started by multiprocessing's spawn (Windows: the claims re-triage's planning processes)
    # must run the child's work, not the command line again.
    multiprocessing.freeze_support()
    sys.exit(main())
