"""`captioncheck extract` reuses the regular expressions an earlier process compiled (cli/regex_cache.py)."""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from captioncheck.cli import regex_cache
from captioncheck.cli.regex_cache import RegexCache

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "testdata" / "pages" / "presstv-fr-2019-12-11.html"

# Runs a command (extract by default) in a fresh process and counts the patterns Python had to parse
# (re._compiler.compile is the step the cache saves); prints the count on stderr's last line.
COUNTING = """
import re, sys
from re import _compiler
parsed = 0
real = _compiler.compile
def counting(p, flags=0):
    global parsed
    parsed += 1
    return real(p, flags)
_compiler.compile = counting
from captioncheck.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    assert not exc.code, exc.code
sys.stdout.flush()
print(f"PARSED {parsed}", file=sys.stderr)
"""


def _extract(datadir: Path, fmt: str = "json", page: Path = SEED) -> tuple[str, int]:
    return _command(datadir, "extract", str(page), "--format", fmt)


def _command(datadir: Path, *args: str) -> tuple[str, int]:
    env = {**os.environ, "CAPTIONCHECK_DATADIR": str(datadir)}
    proc = subprocess.run([sys.executable, "-c", COUNTING, *args], capture_output=True, text=True,
                          timeout=120, check=False, env=env, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout, int(proc.stderr.strip().splitlines()[-1].split()[1])


def test_second_extract_parses_almost_no_regular_expression(tmp_path: Path) -> None:
    """The first process compiles its ~360 patterns and keeps them; the next one parses only those
    compiled before the command starts (click's, json's: ~30) and a few that no file can hold (their
    text changes from process to process, or lxml hands re a str subclass), and prints the same.
    Text output after JSON output adds rich's patterns to the file."""
    first, parsed_first = _extract(tmp_path, "json")
    second, parsed_second = _extract(tmp_path, "json")
    assert second == first and json.loads(second)["images"]
    assert parsed_first > 200, parsed_first
    assert parsed_second < parsed_first / 4, (parsed_first, parsed_second)
    text_first, _ = _extract(tmp_path, "text")
    text_second, parsed_text = _extract(tmp_path, "text")
    assert text_second == text_first and "image(s)" in text_first
    assert parsed_text < parsed_first / 4, (parsed_first, parsed_text)
    assert len(list((tmp_path / "cache").glob("re-*.json"))) == 1


def test_check_keeps_its_own_patterns(tmp_path: Path) -> None:
    """`check` compiles far more patterns than `extract` (pydantic, the verdict's tables): its own file,
    so that neither command's run rewrites the other's; the second check parses a fraction, same report."""
    args = ("check", str(SEED), "--no-clip", "--no-ocr", "--no-remember", "--format", "json",
            "--index", str(ROOT / "testdata" / "index.sqlite"))
    first, parsed_first = _command(tmp_path, *args)
    second, parsed_second = _command(tmp_path, *args)
    assert json.loads(second)["images"] == json.loads(first)["images"]
    assert parsed_first > 300 and parsed_second < parsed_first / 4, (parsed_first, parsed_second)
    _extract(tmp_path)
    assert {p.name.endswith("-check.json") for p in (tmp_path / "cache").glob("re-*.json")} == {True, False}


def test_cached_patterns_are_the_ones_python_compiles(tmp_path: Path) -> None:
    _extract(tmp_path)
    path = next((tmp_path / "cache").glob("re-*.json"))
    import _sre

    _, built, _ = RegexCache._read(_sre, path.read_bytes())
    assert len(built) > 200
    for (kind, pattern, flags), compiled in built.items():
        assert type(pattern) is kind
        assert compiled == re._compiler.compile(pattern, flags), pattern  # type: ignore[attr-defined]


def _cache_with(tmp_path: Path, patterns: list[str]) -> RegexCache:
    """A cache file (in tmp_path) holding these patterns (and what this process compiled before),
    written the way the command writes it."""
    cache = RegexCache(tmp_path / "cache" / "re-test.json")
    for p in patterns:
        re.compile(p)
    assert cache.save() is True
    return cache


def test_a_pattern_comes_back_from_the_file_equal_and_working(tmp_path: Path) -> None:
    patterns = [rf"(?P<year>\d{{4}})-(?P<month>\d\d) cold4 {i}" for i in range(3)] + ["caf[ée] (?i:ABC) cold4"]
    _cache_with(tmp_path, patterns)
    for p in patterns:
        del re._cache[(str, p, 0)]  # type: ignore[attr-defined]
    fresh = RegexCache(tmp_path / "cache" / "re-test.json")
    assert fresh.load() >= len(patterns)
    hit = re._cache[(str, patterns[0], 0)]  # type: ignore[attr-defined]
    assert re.compile(patterns[0]) is hit
    m = hit.search("le 2019-12 cold4 0")
    assert m is not None and m.group("year") == "2019" and m.groupdict() == {"year": "2019", "month": "12"}
    assert re.compile(patterns[-1]).fullmatch("cafe abc cold4")


@pytest.mark.parametrize("damage", ["garbage", "truncated", "foreign", "bad-code", "bad-groupindex", "empty"])
def test_a_damaged_or_foreign_file_is_ignored(tmp_path: Path, damage: str) -> None:
    cache = _cache_with(tmp_path, [r"x(\d+)y cold4 damaged"])
    data = json.loads(cache.path.read_text(encoding="utf-8"))  # type: ignore[union-attr]
    if damage == "garbage":
        raw = b"\x00\xff not json"
    elif damage == "truncated":
        raw = json.dumps(data).encode()[:-40]
    elif damage == "empty":
        raw = b""
    else:
        if damage == "foreign":
            data["tag"] = data["tag"].replace("cpython", "otherpython")
        elif damage == "bad-code":
            data["code"] = base64.b64encode(b"\xff\xff\x00\x07" * (len(base64.b64decode(data["code"])) // 4)).decode()
        else:
            data["entries"][0][7] = {"year": "one"}
        raw = json.dumps(data).encode()
    cache.path.write_bytes(raw)  # type: ignore[union-attr]
    before = dict(re._cache)  # type: ignore[attr-defined]
    assert RegexCache(cache.path).load() == 0
    assert dict(re._cache) == before  # type: ignore[attr-defined]


def test_damaged_file_still_gives_the_same_extract_output(tmp_path: Path) -> None:
    first, _ = _extract(tmp_path)
    path = next((tmp_path / "cache").glob("re-*.json"))
    data = json.loads(path.read_text(encoding="utf-8"))
    data["code"] = base64.b64encode(b"\xff" * len(base64.b64decode(data["code"]))).decode()  # refused by _sre
    path.write_text(json.dumps(data), encoding="utf-8")
    second, parsed = _extract(tmp_path)
    assert second == first and parsed > 200


def test_a_warning_pattern_is_never_cached(tmp_path: Path) -> None:
    """Python warns when it compiles some patterns (here a possible nested set): it must keep warning."""
    odd = "[[a-z] cold4"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        re.compile(odd)
    cache = RegexCache(tmp_path / "re.json")
    cache._add([(str, odd, 0)])
    assert (str, odd, 0) in cache.uncacheable and (str, odd, 0) not in cache.entries


def test_no_cache_where_the_interpreter_lacks_what_it_needs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _cache_with(tmp_path, [r"a+b cold4 nosre"])
    monkeypatch.setattr(regex_cache, "_sre_module", lambda: None)
    assert regex_cache.interpreter_tag() is None and regex_cache.cache_file() is None
    cache = RegexCache(tmp_path / "cache" / "re-test.json")
    assert cache.load() == 0 and cache.save() is False


def test_unwritable_data_dir_is_silent_and_parses_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every process finds no file there: it must not parse its ~360 patterns again for nothing."""
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    cache = RegexCache(blocker / "cache" / "re.json")
    re.compile(r"q+ cold4 unwritable")
    parsed: list[object] = []
    monkeypatch.setattr(regex_cache, "_parse", lambda *args: parsed.append(args))
    assert cache.save() is False and parsed == []


def test_file_is_rewritten_only_for_many_new_patterns(tmp_path: Path) -> None:
    re.purge()  # this process's earlier patterns are not what the test counts
    cache = _cache_with(tmp_path, [r"seed cold4 rewrite"])
    loaded = RegexCache(cache.path)
    assert loaded.load() == 1 and loaded.new_patterns() == []
    mtime = cache.path.stat().st_mtime_ns  # type: ignore[union-attr]
    for i in range(regex_cache.REWRITE_MIN_NEW - 1):
        re.compile(rf"few{i} cold4 rewrite")
    assert loaded.save() is False and cache.path.stat().st_mtime_ns == mtime  # type: ignore[union-attr]
    for i in range(regex_cache.REWRITE_MIN_NEW):
        re.compile(rf"many{i} cold4 rewrite")
    assert loaded.save() is True
    again = RegexCache(cache.path)
    assert again.load() > regex_cache.REWRITE_MIN_NEW
