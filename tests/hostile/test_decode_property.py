"""Property test of image decoding (issue 10): any size, mode, format, truncation or corruption
either decodes to a bounded upright RGB image or raises the project's own error, in bounded time and memory."""

from __future__ import annotations

import io
import os
import random
import resource
import struct
import time
import zlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from captioncheck._exceptions import CaptionCheckError, FetchRefused
from captioncheck.netfetch import FetchLimits, check_image
from captioncheck.pipeline import MAX_DECODED_SIDE, decode_image

MODES = ["1", "L", "LA", "P", "RGB", "RGBA", "CMYK", "I;16", "I", "F", "YCbCr"]
FORMATS = ["PNG", "JPEG", "GIF", "WEBP", "BMP", "TIFF"]
TIME_LIMIT_S = 5.0  # generous: the machine is shared; a decompression bomb would take far longer
# memory one decode may add to the process (the largest generated picture, ~3 x 2560 x 600, takes ~50 MB decoded and
# converted; a header declaring 200 000 x 200 000 allocated as declared would take 120 GB)
MEMORY_LIMIT_MIB = 256


def _resident_mib() -> float:
    """The process's resident memory now (Linux), else its peak (the bound below then holds trivially)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return _peak_mib()


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class _MemoryBound:
    """While the block runs, the process's peak resident memory grows to at most MEMORY_LIMIT_MIB over what it holds
    at the start (a peak already higher, from an earlier test, hides a smaller one: never a false alarm)."""

    def __enter__(self) -> None:
        self.resident, self.peak = _resident_mib(), _peak_mib()

    def __exit__(self, *exc: object) -> None:
        grown = _peak_mib()
        assert grown <= max(self.peak, self.resident + MEMORY_LIMIT_MIB), (self.resident, self.peak, grown)


def encode(mode: str, size: tuple[int, int], fmt: str, seed: int) -> bytes | None:
    pixels = random.Random(seed).randbytes(size[0] * size[1] * 3)  # deterministic per example
    img = Image.frombytes("RGB", size, pixels).convert(mode) if mode != "F" else Image.new("F", size, seed)
    buf = io.BytesIO()
    try:
        img.save(buf, fmt)
    except (OSError, ValueError, KeyError):
        return None  # this format cannot store this mode: nothing to test
    return buf.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 512)) + chunk(b"IEND", b"")


@st.composite
def image_bytes(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["encoded", "encoded", "encoded", "large", "declared", "noise"]))
    if kind == "large":  # over MAX_DECODED_SIDE: the downscaling path, in every mode
        side = (draw(st.integers(MAX_DECODED_SIDE + 1, 3 * MAX_DECODED_SIDE)), draw(st.integers(16, 600)))
        mode = draw(st.sampled_from(MODES))
        img = Image.new(mode, side if draw(st.booleans()) else side[::-1])
        buf = io.BytesIO()
        try:
            img.save(buf, draw(st.sampled_from(["PNG", "JPEG", "TIFF", "GIF"])))
        except (OSError, ValueError, KeyError):
            return png_declaring(*side)
        return buf.getvalue()
    if kind == "declared":  # a header that claims any size, without the pixels
        return png_declaring(draw(st.integers(1, 200_000)), draw(st.integers(1, 200_000)))
    if kind == "noise":
        return draw(st.sampled_from([b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF89a", b"RIFF\x00\x00\x00\x00WEBP", b"BM",
                                     b"II*\x00", b""])) + draw(st.binary(max_size=2048))
    size = (draw(st.integers(1, 320)), draw(st.integers(1, 320)))
    data = encode(draw(st.sampled_from(MODES)), size, draw(st.sampled_from(FORMATS)), draw(st.integers(0, 999)))
    if data is None:
        return png_declaring(*size)
    cut = draw(st.sampled_from(["whole", "truncated", "flipped"]))
    if cut == "truncated":
        return data[: draw(st.integers(0, len(data)))]
    if cut == "flipped":
        at = draw(st.integers(0, len(data) - 1))
        return data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1:]
    return data


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(image_bytes())
def test_decode_image_never_raises_foreign_errors(data: bytes) -> None:
    start = time.monotonic()
    try:
        with _MemoryBound():
            img = decode_image(data)
    except CaptionCheckError:
        pass
    else:
        assert img.mode == "RGB" and max(img.size) <= MAX_DECODED_SIDE and min(img.size) >= 1
    assert time.monotonic() - start < TIME_LIMIT_S


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(image_bytes())
def test_check_image_refuses_cleanly(data: bytes) -> None:
    start = time.monotonic()
    limits = FetchLimits(max_image_pixels=40_000_000)
    try:
        with _MemoryBound():
            info = check_image(data, limits)
    except FetchRefused as exc:
        assert exc.code in {"not_image", "too_many_pixels"}
    else:
        assert info.width * info.height <= limits.max_image_pixels
    assert time.monotonic() - start < TIME_LIMIT_S


def test_large_images_are_reduced_without_a_resize_pass_where_enough_is_left() -> None:
    """A large PNG is reduced by an integer factor; when one more step still leaves ENOUGH_SIDE pixels that step is
    taken and no antialiased resize follows (a quarter of the CPU of a check of eight 49 MP PNGs); otherwise the
    reduced image is resized to MAX_DECODED_SIDE as before."""
    from captioncheck.pipeline import ENOUGH_SIDE

    def decoded(side: int) -> tuple[int, int]:
        buf = io.BytesIO()
        Image.linear_gradient("L").resize((side, side // 2)).save(buf, "PNG")
        return decode_image(buf.getvalue()).size

    assert decoded(3000) == (MAX_DECODED_SIDE, MAX_DECODED_SIDE // 2)  # 3000 // 2 < ENOUGH_SIDE: resized as before
    assert decoded(5000) == (2500, 1250)  # reduce(2)
    assert decoded(7000) == (2334, 1167)  # reduce(3), not reduce(2) and a resize from 3500
    assert ENOUGH_SIDE <= min(2334, 2500) <= MAX_DECODED_SIDE
