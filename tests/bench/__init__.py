"""Benchmarks of Daily Papers, one subcommand per measure: `python -m tests.bench SUBCOMMAND` from the repository root.

The one place that sets the import path: the product's modules from scripts/ (`from core import store`,
`import update`), then the test stand-ins (fake_arxiv, fake_llm, fake_s2) from tests/support/ or tests/,
wherever they are. No test file is imported; the few data builders the benchmarks share with tests are copied.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
SCRIPTS = REPO / "scripts"
TESTS = REPO / "tests"

for _folder in (TESTS, TESTS / "support", SCRIPTS):  # each inserted first: scripts/, then tests/support/, then tests/
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))
