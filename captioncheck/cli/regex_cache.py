"""Compiled regular expressions kept between `captioncheck extract` (and `check`) processes.

A cold `extract` compiles ~360 regular expressions (trafilatura, htmldate, courlan, urllib3 and our
own extractors, mostly at import): about a third of its CPU time, the same work in every process.
Python compiles a pattern in two steps, parsing in pure Python (`re._parser`, `re._compiler`, the
slow part) and building the matcher from the resulting code in C (`_sre.compile`). This module keeps
the first step's result in `<data dir>/cache/re-<interpreter>.json` and, at the start of the next
process, builds the same pattern objects from it and puts them in the `re` module's own cache, where
`re.compile`/`re.search`... look first: a module that compiles a cached pattern gets it without
parsing. No library does this (the stdlib caches compiled patterns only in memory); it is
hand-written, and it depends on two CPython internals, so it is careful:

* the file is named after (and records) the exact interpreter build, `_sre.MAGIC` and
  `_sre.CODESIZE`, so another Python never reads it;
* an entry is written only if the pattern rebuilt from it is equal to the one Python compiled in
  this process (pattern objects compare their compiled code), and never for a pattern whose
  compilation warns (its warning keeps being shown);
* anything unexpected (no `re._cache` dict, no `_sre.compile`, a damaged, foreign or unreadable
  file, a read-only data dir) means no cache: patterns are then compiled as usual. `_sre.compile`
  checks the code it is given and refuses invalid code.

Only the `extract` and `check` commands' own processes use it (`reusing_patterns`), each with its own
file (`check` compiles ~470 patterns, pydantic's and the verdict's too, and one shared file would be
rewritten by each command in turn): a program that imports captioncheck keeps Python's usual behaviour.
"""

from __future__ import annotations

import functools
import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, TypeVar

_F = TypeVar("_F", bound=Callable[..., Any])


def _debug(message: str, *args: object) -> None:
    """Log at debug level; logging is imported only then, so that its own patterns come from the cache."""
    import logging

    logging.getLogger(__name__).debug(message, *args)

FORMAT = 1
MAX_ENTRIES = 512  # the `re` module keeps at most this many patterns itself (3.11: re._MAXCACHE)
MAX_PATTERN = 50_000  # characters: the longest library pattern on the extract path is ~3,000
# The file is written again only when a process compiled at least this many patterns it lacks
# (text output adds rich's 8 to a file written by a JSON run; a library upgrade changes dozens):
# every process compiles a few that no file can hold, because their text changes from one process
# to the next (email's header parser and gettext build character classes from sets, whose order
# follows the string hash seed: 5 on the extract path), and a page can make a library compile one.
REWRITE_MIN_NEW = 8
_CODE_TYPE = "I"  # array typecode for the code words when _sre.CODESIZE is 4


def _sre_module() -> Any | None:
    try:
        import _sre
    except ImportError:
        return None
    if not callable(getattr(_sre, "compile", None)) or not isinstance(getattr(re, "_cache", None), dict):
        return None
    if getattr(_sre, "CODESIZE", None) != 4:
        return None
    return _sre


def interpreter_tag() -> str | None:
    """What a cache file must have been written by: this exact interpreter build and regex engine."""
    sre = _sre_module()
    if sre is None:
        return None
    return f"{FORMAT}|{sys.implementation.name}|{sys.version}|{sys.byteorder}|{sre.MAGIC}|{sre.CODESIZE}"


def cache_file(command: str = "extract") -> Path | None:
    """The cache file of one command (each compiles its own set: `check` far more than `extract`)."""
    tag = interpreter_tag()
    if tag is None:
        return None
    import zlib

    from captioncheck.config import data_dir

    impl = sys.implementation
    suffix = "" if command == "extract" else f"-{command}"  # extract's file keeps its name
    name = f"re-{impl.name}{impl.version.major}{impl.version.minor}-{zlib.crc32(tag.encode()):08x}{suffix}.json"
    return data_dir() / "cache" / name


# What `_sre.compile` takes for one pattern: (pattern, flags, code words, groups - 1, groupindex, indexgroup).
_Args = tuple[Any, int, list[int], int, dict[str, int], tuple[Any, ...]]
_Key = tuple[type, Any, int]  # re's own cache key: (type(pattern), pattern, flags as given)


def _parse(pattern: str | bytes, flags: int) -> _Args:
    """Step one of `re._compiler.compile` (the pure-Python part), kept: what `_sre.compile` takes."""
    from re import _compiler, _parser  # type: ignore[attr-defined]

    p = _parser.parse(pattern, flags)
    code = _compiler._code(p, flags)
    groupindex = dict(p.state.groupdict)
    indexgroup: list[str | None] = [None] * p.state.groups
    for name, i in groupindex.items():
        indexgroup[i] = name
    return pattern, flags | p.state.flags, list(code), p.state.groups - 1, groupindex, tuple(indexgroup)


def _text(pattern: str | bytes) -> tuple[str, bool]:
    return (pattern.decode("latin-1"), True) if isinstance(pattern, bytes) else (pattern, False)


class RegexCache:
    """The patterns read from the cache file into `re`'s cache, and what this process added."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.entries: dict[_Key, _Args] = {}
        self.uncacheable: set[_Key] = set()

    def load(self) -> int:
        """Put every pattern of the cache file into `re`'s cache; how many (0 when there is none)."""
        sre = _sre_module()
        if self.path is None or sre is None:
            return 0
        try:
            entries, built, uncacheable = self._read(sre, self.path.read_bytes())
        except FileNotFoundError:
            return 0
        except Exception as exc:  # noqa: BLE001  damaged, foreign or refused by _sre: compile as usual
            _debug("regex cache %s not used: %s", self.path, exc)
            return 0
        for key, pattern in built.items():
            re._cache.setdefault(key, pattern)  # type: ignore[attr-defined]
        self.entries, self.uncacheable = entries, uncacheable
        return len(built)

    @staticmethod
    def _read(sre: Any, raw: bytes) -> tuple[dict[_Key, _Args], dict[_Key, re.Pattern[Any]], set[_Key]]:
        import array
        import base64

        data = json.loads(raw)
        if not isinstance(data, dict) or data.get("tag") != interpreter_tag():
            return {}, {}, set()
        words = array.array(_CODE_TYPE)
        words.frombytes(base64.b64decode(data["code"], validate=True))
        code = words.tolist()
        entries: dict[_Key, _Args] = {}
        built: dict[_Key, re.Pattern[Any]] = {}
        for text, is_bytes, key_flags, flags, start, end, groups, groupindex, indexgroup in data["entries"][:MAX_ENTRIES]:
            pattern = text.encode("latin-1") if is_bytes is True else text
            if type(key_flags) is not int or not isinstance(pattern, (str, bytes)) or not all(
                    type(k) is str and type(v) is int for k, v in groupindex.items()):
                raise ValueError("malformed entry")
            args: _Args = (pattern, flags, code[start:end], groups, groupindex, tuple(indexgroup))
            key = (type(pattern), pattern, key_flags)
            built[key] = sre.compile(*args)  # checks the code words; raises on invalid ones
            entries[key] = args
        uncacheable = {(bytes, t.encode("latin-1"), f) if b is True else (str, t, f) for t, b, f in data["uncacheable"]}
        return entries, built, uncacheable

    def new_patterns(self) -> list[_Key]:
        """Patterns this process compiled that the file does not have (str or bytes keys only)."""
        return [key for key in list(re._cache)  # type: ignore[attr-defined]
                if isinstance(key, tuple) and len(key) == 3 and key[0] in (str, bytes) and type(key[1]) is key[0]
                and type(key[2]) is int and len(key[1]) <= MAX_PATTERN
                and key not in self.entries and key not in self.uncacheable]

    def save(self) -> bool:
        """Write the file if there is none or this process compiled many patterns it lacks; True if written."""
        new = self.new_patterns()
        if self.path is None or not new or (self.entries and len(new) < REWRITE_MIN_NEW) or _sre_module() is None:
            return False
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with tmp.open("w", encoding="utf-8") as out:  # a read-only data dir fails here, before any parsing
                self._add(new)
                out.write(self._payload())
            os.replace(tmp, self.path)
        except Exception as exc:  # noqa: BLE001  read-only data dir, full disk, an unexpected pattern...
            _debug("regex cache %s not written: %s", self.path, exc)
            return False
        finally:
            with suppress(OSError):  # gone after os.replace, or never created
                tmp.unlink()
        return True

    def _add(self, new: list[_Key]) -> None:
        """Parse the new patterns again and keep those rebuilt equal to what Python compiled (no warning)."""
        import warnings

        sre = _sre_module()
        for key in new:
            compiled = re._cache.get(key)  # type: ignore[attr-defined]
            if compiled is None:  # dropped from re's cache since
                continue
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                args = _parse(key[1], key[2])
            if caught or sre.compile(*args) != compiled:  # a warning to keep showing, or not the same pattern
                self.uncacheable.add(key)
            else:
                self.entries[key] = args

    def _payload(self) -> str:
        import array
        import base64

        current = [k for k in list(re._cache) if k in self.entries]  # type: ignore[attr-defined]
        seen = set(current)
        keep = (current + [k for k in self.entries if k not in seen])[:MAX_ENTRIES]
        words = array.array(_CODE_TYPE)
        rows = []
        for key in keep:
            pattern, flags, code, groups, groupindex, indexgroup = self.entries[key]
            start = len(words)
            words.extend(code)
            rows.append([*_text(pattern), key[2], flags, start, len(words), groups, groupindex, list(indexgroup)])
        skipped = [[*_text(p), f] for _, p, f in sorted(self.uncacheable, key=repr)[:MAX_ENTRIES]]
        return json.dumps({"tag": interpreter_tag(), "code": base64.b64encode(words.tobytes()).decode("ascii"),
                           "entries": rows, "uncacheable": skipped})


@contextmanager
def reused_patterns(command: str = "extract") -> Iterator[RegexCache]:
    """Load the command's cached patterns; after the block succeeds, save the ones it compiled that were missing."""
    try:
        cache = RegexCache(cache_file(command))
    except Exception as exc:  # noqa: BLE001  no data dir: no cache
        _debug("regex cache unavailable: %s", exc)
        cache = RegexCache(None)
    cache.load()
    yield cache
    cache.save()


def reusing_patterns(command: str) -> Callable[[_F], _F]:
    """A CLI command run inside `reused_patterns(command)` (put it under the click decorators)."""
    def decorate(run: _F) -> _F:
        @functools.wraps(run)
        def command_run(*args: Any, **kwargs: Any) -> Any:
            with reused_patterns(command):
                return run(*args, **kwargs)
        return command_run  # type: ignore[return-value]
    return decorate


__all__ = ["RegexCache", "cache_file", "interpreter_tag", "reused_patterns", "reusing_patterns"]
