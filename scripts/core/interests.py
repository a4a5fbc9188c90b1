"""The reader's interests (issue 23): arXiv ids listed in interests/*.txt, one a line, and the `interests:` block.

Papers marked not for me (issue 36) are listed the same way in interests/not-for-me/*.txt and `interests: {not: [...]}`:
read as negatives only, never as liked (the liked reader globs interests/*.txt, not the folder below it).

Blank lines and # comments are allowed; a bad line raises config.ConfigError "file:line: what, fix". The reader's
files stay inside the repository (issue 33): an absolute library path, one leading out, or a link whose target lies
outside is refused before anything is read, and so is a file too big to be a list of ids.
"""

from __future__ import annotations

import logging
import re
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from core import ids as arxiv_ids
from core import text as border
from core.config import ConfigError

log = logging.getLogger("daily_papers.interests")

_ID = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?$")
MAX_FILE_BYTES = 1_000_000  # an interests/*.txt file: 5,000 ids take about 60 KB
MAX_PICKS = 100  # picks shown in README and the email: a short list is the point
MAX_PAPERS = 5_000  # ids in interests.papers plus interests/*.txt, like the library's bound; not-for-me ids apart
NOT_FOR_ME = "not-for-me"  # interests/not-for-me/*.txt: papers the reader marked not for me


def inside(root: Path, path: Path) -> bool:
    """Whether path, its links followed, is within root: the reader's files are the repository's, nothing else."""
    return path.resolve().is_relative_to(root.resolve())


def read_lines(path: Path, root: Path) -> list[str]:
    """An interests/*.txt file's lines through the border, after checking it is a regular file inside the repository
    and at most MAX_FILE_BYTES, so a link to a system file or a huge file is refused without reading it."""
    name = path.relative_to(root).as_posix()
    if not inside(root, path):
        raise ConfigError(f"{name}: is a link to a file outside the repository, fix: commit the list itself in "
                          "interests/ (one arXiv id a line)")
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):
            raise ConfigError(f"{name}: is not a regular file, fix: one arXiv id a line in a text file")
        if status.st_size > MAX_FILE_BYTES:
            raise ConfigError(f"{name}: {status.st_size:,} bytes are more than {MAX_FILE_BYTES:,}, fix: keep at "
                              f"most {MAX_PAPERS:,} ids, one a line")
        with path.open("rb") as file:
            text = file.read(MAX_FILE_BYTES + 1).decode("utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"{name}: cannot read ({err.__class__.__name__}), fix: save it as UTF-8 text") from None
    if len(text) > MAX_FILE_BYTES:
        raise ConfigError(f"{name}: more than {MAX_FILE_BYTES:,} bytes, fix: keep at most {MAX_PAPERS:,} ids")
    return border.clean(text).splitlines()


def read_id_file(path: Path, root: Path) -> list[str]:
    """The arXiv ids in one interests/*.txt file, in order, versions dropped, duplicates once; ids arXiv cannot have
    (1999.99999, issues/1234567) are skipped with one warning line, as a pasted look-alike should not stop a run."""
    name = path.relative_to(root).as_posix()
    ids: dict[str, None] = {}
    unreal: list[tuple[int, str]] = []
    for number, line in enumerate(read_lines(path, root), 1):
        entry = line.split("#", 1)[0].strip()
        if not entry:
            continue
        entry = entry.removeprefix("arXiv:").removeprefix("arxiv:")
        if not _ID.match(entry):
            shown = border.log_line(entry)
            shown = shown if len(shown) <= 40 else shown[:39] + "…"
            raise ConfigError(f"{name}:{number}: {shown!r} is not an arXiv id, fix: one id a line, "
                              "like 2401.01234 (blank lines and # comments are ok)")
        bare = re.sub(r"v\d+$", "", entry)
        if arxiv_ids.real_id(bare):
            ids[bare] = None
        else:
            unreal.append((number, bare))
    if unreal:
        number, bare = unreal[0]
        more = f" (and {len(unreal) - 1} more)" if len(unreal) > 1 else ""
        log.warning("warning: %s:%d: %r%s cannot be an arXiv id (no such month or archive), skipped; fix the id "
                    "or remove the line", name, number, bare, more)
    return list(ids)


def read_id_files(root: Path, first: Iterable[str] = ()) -> list[str]:
    """first (interests.papers), then every id in root/interests/*.txt (files in name order), each once; refused
    as soon as there are more than MAX_PAPERS, before the rest is read. interests/not-for-me/ is never read here."""
    return _read_folder(root, root / "interests", first, "liked ids (interests.papers and interests/*.txt together), "
                        "fix: keep the ones that say most about what you read")


def read_not_for_me_files(root: Path, first: Iterable[str] = ()) -> list[str]:
    """first (interests.not), then every id in root/interests/not-for-me/*.txt, each once; at most MAX_PAPERS,
    counted apart from the liked ids, so marking papers never crowds out the ones liked."""
    return _read_folder(root, root / "interests" / NOT_FOR_ME, first, "not-for-me ids (interests.not and "
                        "interests/not-for-me/*.txt together), fix: keep the ones that say most about what you skip")


def _read_folder(root: Path, folder: Path, first: Iterable[str], what: str) -> list[str]:
    """first, then the ids of folder/*.txt (not below it), in file-name order, each once; past MAX_PAPERS, the
    error names the file and says what is counted and the fix (what)."""
    ids = dict.fromkeys(first)
    for path in sorted(folder.glob("*.txt")):
        ids.update(dict.fromkeys(read_id_file(path, root)))
        if len(ids) > MAX_PAPERS:
            raise ConfigError(f"{path.relative_to(root).as_posix()}: interests: more than {MAX_PAPERS:,} {what}")
    return list(ids)


def library_file(interests: Interests, root: Path, config_name: str) -> Path:
    """interests.library as a path inside the repository; a link whose target leaves it is refused by name, never
    read, so no outside file's text can reach a pick or a message."""
    path = root / str(interests.library)
    if not inside(root, path):
        raise ConfigError(f"{config_name}:{interests.library_line}: interests.library "
                          f"{border.log_line(interests.library)[:80]!r} leads outside the repository, fix: "
                          "commit the library file itself (not a link to it) and name it from the repository's top")
    return path


def _outside(library: str) -> bool:
    """Whether a library path is absolute (in either OS's spelling) or climbs above the repository's top."""
    if PurePosixPath(library).is_absolute() or PureWindowsPath(library).is_absolute() or library.startswith("~"):
        return True
    depth = 0
    for part in re.split(r"[\\/]", library):
        depth += -1 if part == ".." else 0 if part in ("", ".") else 1
        if depth < 0:
            return True
    return False
KEYS = ("papers", "not", "library", "picks")
DEFAULT_PICKS = 10


@dataclass(frozen=True)
class Interests:
    """The validated `interests:` block of keywords.yaml (ids from interests/*.txt are read at run time)."""

    papers: tuple[str, ...] = ()
    library: str | None = None  # a path relative to keywords.yaml's folder
    picks: int = DEFAULT_PICKS
    papers_line: int = 1  # where `papers:` is, for the unknown-id error
    library_line: int = 1
    not_for_me: tuple[str, ...] = ()  # `not:`: papers never to pick, read as negatives
    not_line: int = 1  # where `not:` is

    @property
    def on(self) -> bool:
        """Whether picks are wanted at all (picks: 0 turns them off)."""
        return self.picks > 0


def parse_block(raw: Any, data: Any, name: str, line_of: Callable[[Any, str | None], int]) -> Interests | None:
    """Validate keywords.yaml's `interests:` mapping; None when absent. Raises ConfigError "file:line: what; fix"."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise ConfigError(f"{name}:{line_of(data, 'interests')}: 'interests' must be a mapping, like "
                          "interests: {papers: [\"2401.01234\"], library: library.bib, picks: 10}")
    for key in raw:
        if key not in KEYS:
            raise ConfigError(f"{name}:{line_of(raw, key)}: interests: unknown key '{key}'; "
                              f"known keys are: {', '.join(KEYS)}")
    papers = _papers(raw.get("papers"), name, line_of(raw, "papers"))
    not_for_me = _papers(raw.get("not"), name, line_of(raw, "not"), "not")
    library = raw.get("library")
    if library is not None and not (isinstance(library, str) and library.strip() and library.isprintable()):
        raise ConfigError(f"{name}:{line_of(raw, 'library')}: interests: 'library' must be a file name, "
                          "like library: library.bib (a BibTeX or CSL JSON export)")
    if library is not None and _outside(library.strip()):
        raise ConfigError(f"{name}:{line_of(raw, 'library')}: interests.library {border.log_line(library)[:80]!r} "
                          "is not a path inside the repository, fix: a path from the repository's top, like "
                          "library: library.bib")
    picks = raw.get("picks", DEFAULT_PICKS)
    if not isinstance(picks, int) or isinstance(picks, bool) or not 0 <= picks <= MAX_PICKS:
        raise ConfigError(f"{name}:{line_of(raw, 'picks')}: interests: 'picks' must be a whole number from 0 "
                          f"to {MAX_PICKS} (0 turns picks off), got {str(picks)[:40]!r}")
    return Interests(tuple(papers), library.strip() if library else None, picks,
                     line_of(raw, "papers"), line_of(raw, "library"), tuple(not_for_me), line_of(raw, "not"))


def _papers(value: Any, name: str, line: int, key: str = "papers") -> list[str]:
    """interests.papers (or interests.not): a list of arXiv ids (a single id is a list of one), versions dropped,
    each once."""
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise ConfigError(f"{name}:{line}: interests: '{key}' must be a list of arXiv ids, "
                          f"like {key}: [\"2401.01234\"]")
    ids: dict[str, None] = {}
    for item in value:
        text = border.clean(item).strip() if isinstance(item, str) else str(item).strip() if isinstance(item, float) \
            else None
        entry = (text or "").removeprefix("arXiv:").removeprefix("arxiv:")
        if not isinstance(item, str) or not _ID.match(entry):
            raise ConfigError(f"{name}:{line}: interests: {key}: {border.log_line(str(item))[:40]!r} is not an arXiv "
                              "id; write each id in quotes, like \"2401.01234\"")
        ids[re.sub(r"v\d+$", "", entry)] = None
    if len(ids) > MAX_PAPERS:
        raise ConfigError(f"{name}:{line}: interests: {key}: {len(ids):,} ids are more than {MAX_PAPERS:,}; "
                          "keep the ones that say most about what you read")
    return list(ids)


def all_ids(interests: Interests, root: Path) -> list[str]:
    """interests.papers, then every id in root/interests/*.txt, each once, at most MAX_PAPERS in all."""
    return read_id_files(root, interests.papers)


def not_for_me_ids(interests: Interests, root: Path) -> list[str]:
    """interests.not, then every id in root/interests/not-for-me/*.txt, each once, at most MAX_PAPERS of them
    (apart from the liked ids): the papers never to pick, and the ranker's strong negatives."""
    return read_not_for_me_files(root, interests.not_for_me)


def where_not_listed(interests: Interests, root: Path, paper_id: str, config_name: str) -> str:
    """file:line where a not-for-me id is listed (keywords.yaml's not: line, or its line in interests/not-for-me/),
    so a message about it says where to delete it; config_name alone when it is listed nowhere."""
    if paper_id in interests.not_for_me:
        return f"{config_name}:{interests.not_line}"
    for path in sorted((root / "interests" / NOT_FOR_ME).glob("*.txt")):
        for number, line in enumerate(read_lines(path, root), 1):
            entry = line.split("#", 1)[0].strip().removeprefix("arXiv:").removeprefix("arxiv:")
            if re.sub(r"v\d+$", "", entry) == paper_id:
                return f"{path.relative_to(root).as_posix()}:{number}"
    return config_name
