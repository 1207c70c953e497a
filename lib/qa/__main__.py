"""Entry point: `python -m lib.qa --target simulator|test --out DIR` (see --help)."""

import sys

from lib.qa.cli import main

sys.exit(main())
