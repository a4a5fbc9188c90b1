"""Daily Papers: fetch new arXiv papers for keywords.yaml, merge them into data/, render README.md.

    python scripts/update.py                   # fetch, merge, render; writes files
    python scripts/update.py --commit --push   # what the daily workflow runs

The run itself is in daily/ (cli: the command line; run: the steps); this file only starts it.
"""

from __future__ import annotations

import sys

from daily.cli import main

if __name__ == "__main__":
    sys.exit(main())
