"""COinS metadata: the fields reference managers read, with the right values."""

from __future__ import annotations

from urllib.parse import parse_qsl

from website import cite


def paper(**fields) -> dict:
    record = {"id": "2401.01234", "version": 3, "title": "Neural  TTS\nfor & <Everyone>",
              "authors": ["Jane Smith", "Zoë Ørsted"], "published": "2024-01-02T10:00:00Z",
              "primary_category": "cs.SD", "topics": ["TTS"]}
    record.update(fields)
    return record


def test_coins_title_round_trips_every_field() -> None:
    pairs = parse_qsl(cite.coins_title(paper()), keep_blank_values=True)
    fields: dict[str, list[str]] = {}
    for key, value in pairs:
        fields.setdefault(key, []).append(value)
    assert fields["ctx_ver"] == ["Z39.88-2004"]
    assert fields["rft_val_fmt"] == ["info:ofi/fmt:kev:mtx:journal"]
    assert fields["rft.genre"] == ["preprint"]
    assert fields["rft.atitle"] == ["Neural TTS for & <Everyone>"]
    assert fields["rft.jtitle"] == ["arXiv"]
    assert fields["rft.au"] == ["Jane Smith", "Zoë Ørsted"]
    assert fields["rft.date"] == ["2024-01-02"]
    assert fields["rft_id"] == ["info:arxiv/2401.01234", "info:doi/10.48550/arXiv.2401.01234",
                                "https://arxiv.org/abs/2401.01234v3"]


def test_coins_title_is_one_attribute_value() -> None:
    """URL-encoded: no quote, angle bracket or raw ampersand of the title survives into the attribute."""
    title = cite.coins_title(paper(title='"><script>alert(1)</script> & x'))
    assert not set('"<> ') & set(title)
    assert "script" in title


def test_coins_without_date_uses_the_ids_year() -> None:
    pairs = dict(parse_qsl(cite.coins_title(paper(published=None, authors=[]))))
    assert pairs["rft.date"] == "2024" and "rft.au" not in pairs
