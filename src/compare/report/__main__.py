"""``python -m compare.report``: the same as ``compare render``."""

import sys

from compare.report.command import main

sys.exit(main())
