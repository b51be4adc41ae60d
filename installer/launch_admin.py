"""Entry script of the bundled administration command (``backoffice-admin``)."""

import sys

from backoffice.cli import main

sys.exit(main())
