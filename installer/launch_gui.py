"""Entry script of the bundled desktop application (``backoffice``)."""

import sys

from backoffice.ui.app import main

sys.exit(main())
