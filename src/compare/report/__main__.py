"""``python -m compare.report``: the same as ``compare render``."""

import sys

from compare.report.rendering import main

sys.exit(main())
