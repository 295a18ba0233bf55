"""A long-lived tesseract reader: libtesseract's C API in a child process, models loaded once.

Run by `captioncheck.signals.tesseract_pool` as `python -I -S tesseract_worker.py` with
OMP_THREAD_LIMIT=1 in its environment. It imports only the standard library (it starts in ~20 ms)
and talks over its stdin/stdout:

* on start it writes one JSON line: {"ok": true, "version": "5.3.0"} or {"error": "..."} (no
  libtesseract found: the caller then runs the tesseract command line instead);
* each request is one JSON line {"lang": "fra+eng", "psm": 11, "w": W, "h": H} followed by W*H
  bytes of 8-bit greyscale pixels; the answer is one JSON line {"tsv": "..."} (tesseract's TSV
  rows, the same as `tesseract IMAGE stdout tsv` prints, without the header) or {"error": "..."}.

Why a child process and not ctypes in the caller: tesseract's LSTM runs OpenMP teams, and only
OMP_THREAD_LIMIT read when the OpenMP runtime starts keeps them to one thread; in a process where
torch has already loaded its own libgomp (same soname) tesseract would share torch's runtime and
spin up to four threads per line (2.7x the CPU time, measured). A crash inside libtesseract on a
hostile image also ends only this child. The language models (~0.3-0.6 s to load per language
set) stay loaded between images and pages, which the command line reloads every run.

A hand-written binding of eight C functions: tesserocr (the maintained Cython binding) is not
installed here and builds against tesseract's headers, which a runtime install lacks.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import sys
from collections import OrderedDict

MAX_LANGUAGE_SETS = 3  # loaded language sets kept per worker (each holds its models in memory)
LIBRARY_NAMES = ("libtesseract.so.5", "libtesseract.so.4", "libtesseract.so", "libtesseract.5.dylib", "libtesseract.dylib")


def load_library() -> ctypes.CDLL:
    """libtesseract, from CAPTIONCHECK_LIBTESSERACT, the usual sonames or the linker's search."""
    wanted = os.environ.get("CAPTIONCHECK_LIBTESSERACT", "")
    names = [wanted] if wanted else [*LIBRARY_NAMES, ctypes.util.find_library("tesseract") or ""]
    errors = []
    for name in filter(None, names):
        try:
            lib = ctypes.CDLL(name)
        except OSError as exc:
            errors.append(str(exc))
            continue
        _declare(lib)
        return lib
    raise OSError("libtesseract not found: " + ("; ".join(errors[-2:]) or "no candidate"))


def _declare(lib: ctypes.CDLL) -> None:
    vp, cp, i = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int
    lib.TessVersion.restype = cp
    lib.TessBaseAPICreate.restype = vp
    lib.TessBaseAPIInit3.argtypes = [vp, cp, cp]
    lib.TessBaseAPISetVariable.argtypes = [vp, cp, cp]
    lib.TessBaseAPISetPageSegMode.argtypes = [vp, i]
    lib.TessBaseAPISetImage.argtypes = [vp, cp, i, i, i, i]
    lib.TessBaseAPIRecognize.argtypes = [vp, vp]
    lib.TessBaseAPIGetTsvText.argtypes = [vp, i]
    lib.TessBaseAPIGetTsvText.restype = vp  # freed with TessDeleteText
    lib.TessDeleteText.argtypes = [vp]
    lib.TessBaseAPIEnd.argtypes = [vp]
    lib.TessBaseAPIDelete.argtypes = [vp]


class Reader:
    """One TessBaseAPI per language set, least recently used ones ended."""

    def __init__(self, lib: ctypes.CDLL) -> None:
        self.lib = lib
        self.apis: OrderedDict[str, int] = OrderedDict()

    def api(self, lang: str) -> int:
        handle = self.apis.get(lang)
        if handle is not None:
            self.apis.move_to_end(lang)
            return handle
        handle = self.lib.TessBaseAPICreate()
        if self.lib.TessBaseAPIInit3(handle, None, lang.encode()) != 0:
            self.lib.TessBaseAPIDelete(handle)
            raise RuntimeError(f"tesseract could not load language {lang!r} (traineddata missing?)")
        self.lib.TessBaseAPISetVariable(handle, b"debug_file", os.devnull.encode())  # no chatter on stderr
        self.apis[lang] = handle
        while len(self.apis) > MAX_LANGUAGE_SETS:
            self._end(self.apis.popitem(last=False)[1])
        return handle

    def read(self, lang: str, psm: int, width: int, height: int, pixels: bytes) -> str:
        handle = self.api(lang)
        self.lib.TessBaseAPISetPageSegMode(handle, psm)
        self.lib.TessBaseAPISetImage(handle, pixels, width, height, 1, width)
        if self.lib.TessBaseAPIRecognize(handle, None) != 0:
            raise RuntimeError("tesseract could not read the image")
        text = self.lib.TessBaseAPIGetTsvText(handle, 0)
        try:
            return ctypes.string_at(text).decode("utf-8", "replace") if text else ""
        finally:
            if text:
                self.lib.TessDeleteText(text)

    def close(self) -> None:
        while self.apis:
            self._end(self.apis.popitem()[1])

    def _end(self, handle: int) -> None:
        self.lib.TessBaseAPIEnd(handle)
        self.lib.TessBaseAPIDelete(handle)


def _reply(out: object, message: dict) -> None:
    out.write(json.dumps(message).encode() + b"\n")  # type: ignore[attr-defined]
    out.flush()  # type: ignore[attr-defined]


def serve(inp: object, out: object) -> None:
    try:
        lib = load_library()
    except OSError as exc:
        _reply(out, {"error": str(exc)})
        return
    _reply(out, {"ok": True, "version": (lib.TessVersion() or b"").decode()})
    reader = Reader(lib)
    try:
        while line := inp.readline():  # type: ignore[attr-defined]
            req = json.loads(line)
            width, height = int(req["w"]), int(req["h"])
            pixels = inp.read(width * height)  # type: ignore[attr-defined]
            if len(pixels) != width * height:
                break  # the caller went away mid-request
            try:
                _reply(out, {"tsv": reader.read(str(req["lang"]), int(req["psm"]), width, height, pixels)})
            except RuntimeError as exc:
                _reply(out, {"error": str(exc)})
    finally:
        reader.close()


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
