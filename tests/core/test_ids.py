"""core.ids: the one spelling of arXiv id syntax (the store, links, lookups and the library all ask it)."""

from __future__ import annotations

from core import ids


def test_split_id_gives_the_id_and_its_version() -> None:
    assert ids.split_id("2601.20481v2") == ("2601.20481", 2)
    assert ids.split_id(" 2601.2048 ") == ("2601.2048", 1)
    assert ids.split_id("hep-th/9901001v3") == ("hep-th/9901001", 3)
    assert ids.split_id("math.AG/0601001") == ("math.AG/0601001", 1)
    for junk in ("", "2601.204", "2601.204811", "arXiv:2601.20481", "2601.20481v", "HEP-TH/9901001", "a/b"):
        assert ids.split_id(junk) is None, junk


def test_bare_id_drops_the_version_and_forgives_no_whitespace() -> None:
    assert ids.bare_id("2401.01234v2") == "2401.01234" and ids.bare_id("hep-th/9901001") == "hep-th/9901001"
    assert ids.bare_id(" 2401.01234") is None and ids.bare_id("arXiv:2401.01234") is None


def test_valid_id_is_an_id_without_version_safe_for_a_link() -> None:
    assert ids.valid_id("2601.20481") and ids.valid_id("hep-th/9901001") and ids.valid_id("math.AG/0601001")
    for bad in ("2601.20481v2", " 2601.20481", "2601.20481/../x", "javascript:alert(1)", ""):
        assert not ids.valid_id(bad), bad


def test_real_id_knows_arxivs_months_digits_and_archives() -> None:
    for real in ("0704.0001", "1412.1234", "1501.00001", "2601.20481", "hep-th/9901001", "math.AG/0601001",
                 "cs/0703001", "astro-ph/9204001"):
        assert ids.real_id(real), real
    for look_alike in ("1999.99999", "2613.00001", "2600.00001", "0703.0001", "0612.1234", "1412.12345", "1501.1234",
                       "issues/1234567", "cs/0704001", "astro-ph/9113001", "hep-th/9107001", "hep-th/9900001", "pull/9901001", "x"):
        assert not ids.real_id(look_alike), look_alike
