"""`python -m cli ARGS` is `internwatch ARGS`."""

import sys

from cli import main

sys.exit(main())
