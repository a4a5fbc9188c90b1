"""Build the static, searchable site from the store and keywords.yaml into OUTDIR.

    python scripts/site.py OUTDIR    # docs/site.md; the daily workflow publishes OUTDIR to GitHub Pages
"""

from __future__ import annotations

import sys

from website.build import main

if __name__ == "__main__":
    sys.exit(main())
