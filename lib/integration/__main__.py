"""Entry point: `python -m lib.integration --target simulator|test|URL --port P --out DIR`."""

import sys

from lib.integration.cli import main

sys.exit(main())
