"""The reader's library file (issue 33): how long digest.library takes to read a Zotero-like export of 1 to 10 MB.

The entries look like Zotero's BibTeX export: LaTeX accents in names and titles ({\\"u}, \\'e, \\c{c}), protected
words in braces, math, a long abstract, arXiv ids in number/url/note. The CSL JSON row is the same papers as JSON.
"""

from __future__ import annotations

import json
import random
import tempfile
import time
from pathlib import Path

from tests.bench.common import WORDS, machine_speed

MB = 1_000_000
SIZES_MB = (1, 5, 10)
TINY_SIZES_MB = (0.05,)
NAMES = (r"M{\"u}ller", r"Garc{\'i}a", r"Fran{\c c}ois", r"{\O}stergaard", r"Dvo{\v r}{\'a}k", r"Schr\"{o}der",
         r"Ng", r"Smith", r"L{\'o}pez", r"K{\"o}nig", r"Ji{\v r}{\'\i}", r"Ha{\ss}")
ACCENTED = (r"{\"U}ber", r"na{\"\i}ve", r"caf\'e", r"{\'E}tude", r"{TTS}", r"{HiFi-GAN}", r"$\alpha$-stable",
            r"50\% faster", r"\textit{in the wild}", r"\emph{zero-shot}", r"--", r"{\&}")
VOCABULARY = (*WORDS, *ACCENTED)


def paper(i: int, rng: random.Random) -> dict[str, str]:
    """One library paper's fields, LaTeX included, with an abstract of about 1,500 characters."""
    arxiv_id = f"2{rng.randint(0, 5)}{rng.randint(1, 12):02d}.{rng.randint(1, 99999):05d}"
    title = " ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(6, 14)))
    abstract = " ".join(rng.choice(VOCABULARY) if rng.random() < 0.05 else rng.choice(WORDS)
                        for _ in range(rng.randint(180, 260)))
    authors = " and ".join(f"{rng.choice(NAMES)}, {rng.choice('ABCDEFGHJK')}." for _ in range(rng.randint(2, 8)))
    return {"key": f"key_{i}_{arxiv_id}", "id": arxiv_id, "title": title.capitalize(), "abstract": abstract,
            "author": authors}


def zotero_bibtex(size: int, seed: int = 33) -> str:
    """A BibTeX file of about `size` characters, as Zotero exports it (tabs, braces, a @misc per arXiv paper)."""
    rng = random.Random(seed)
    parts: list[str] = []
    total = 0
    while total < size:
        p = paper(len(parts), rng)
        entry = (f"@misc{{{p['key']},\n\ttitle = {{{p['title']}}},\n\turl = {{http://arxiv.org/abs/{p['id']}}},\n"
                 f"\tdoi = {{10.48550/arXiv.{p['id']}}},\n\tabstract = {{{p['abstract']}}},\n"
                 f"\turldate = {{2026-01-02}},\n\tpublisher = {{{{arXiv}}}},\n\tauthor = {{{p['author']}}},\n"
                 f"\tmonth = jan,\n\tyear = {{2026}},\n\tnote = {{{{arXiv}}:{p['id']} [cs]}},\n"
                 f"\tkeywords = {{Computer Science - Sound, Electrical Engineering and Systems Science - Audio "
                 f"and Speech Processing}},\n\tnumber = {{{{arXiv}}:{p['id']}}},\n}}\n\n")
        parts.append(entry)
        total += len(entry)
    return "".join(parts)


def csl_json(size: int, seed: int = 33) -> str:
    """A CSL JSON file of about `size` characters, the same kind of papers (plain text, as Zotero writes JSON)."""
    rng = random.Random(seed)
    items: list[dict[str, str]] = []
    total = 0
    while total < size:
        p = paper(len(items), rng)
        item = {"id": f"http://zotero.org/users/1/items/{p['key']}", "type": "article", "title": p["title"],
                "abstract": p["abstract"], "URL": f"http://arxiv.org/abs/{p['id']}", "number": f"arXiv:{p['id']}"}
        items.append(item)
        total += len(json.dumps(item)) + 2
    return json.dumps(items, indent=1)


def timed_read(path: Path) -> tuple[float, int]:
    """Seconds digest.library.read takes on one file, and the entries it found."""
    from digest import library

    started = time.perf_counter()
    entries = library.read(path)
    return time.perf_counter() - started, len(entries)


def library_figures(sizes_mb: tuple[float, ...] = SIZES_MB, json_mb: float = 5) -> int:
    """Print the parse time of generated Zotero-like BibTeX libraries of each size, and of one CSL JSON library."""
    print("The reader's library file (digest.library.read; Zotero-like entries with LaTeX accents, long abstracts):")
    print(f"{'format':<8} {'MB':>6} {'entries':>8} {'parse s':>8}")
    with tempfile.TemporaryDirectory() as folder:
        rows = [("bibtex", mb, Path(folder) / f"lib{mb}.bib", zotero_bibtex) for mb in sizes_mb]
        rows.append(("csl json", json_mb, Path(folder) / "lib.json", csl_json))
        for label, mb, path, make in rows:
            path.write_text(make(int(mb * MB)), encoding="utf-8")
            seconds, count = timed_read(path)
            print(f"{label:<8} {path.stat().st_size / MB:>6.2f} {count:>8,} {seconds:>8.2f}")
    print(machine_speed())
    return 0
