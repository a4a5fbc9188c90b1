"""daily.seed_import: a DailyArXiv README's tables read once into the store, as outside text."""

from __future__ import annotations

from core import text
from daily import seed_import

HOSTILE = "\U000e0041\U000e0042\uffff\u202e\x1b[31m"


def test_a_seed_rows_text_passes_the_border_before_it_is_stored() -> None:
    """Issue 33 review: a seed row's title kept tag characters, U+FFFF, an override and an escape in the store."""
    readme = ("## Speech\n| **Title** | **Link** | **Abstract** | **Date** | **Comment** |\n| --- | --- | --- | --- | --- |\n"
              f"| **[Evil{HOSTILE} Title](https://arxiv.org/abs/2501.00001v1)** |  | <details><summary>Show</summary>"
              f"<p>An abstract{HOSTILE}.</p></details> | 2025-01-02 | 5 pages{HOSTILE} |\n")
    [record] = seed_import.parse_readme(readme)["Speech"]
    for field in ("title", "abstract", "comment"):
        assert text.clean(record[field]) == record[field] and "\x1b" not in record[field], field
    assert record["title"] == "Evil [31m Title" and record["id"] == "2501.00001"
