"""Long-lived tesseract workers: same words as the command line, time-outs and crashes cost one
worker, a missing libtesseract falls back to the command line."""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from captioncheck.signals import ocr, tesseract_pool
from captioncheck.signals.tesseract_pool import Pool, Worker, WorkerError

pytestmark = pytest.mark.skipif(shutil.which("tesseract") is None or sys.platform == "win32",
                                reason="tesseract not installed (or no POSIX pipes)")


def sheet(text: str, size: tuple[int, int] = (700, 120)) -> Image.Image:
    img = Image.new("L", size, 255)
    ImageDraw.Draw(img).text((12, 30), text, fill=0, font=ImageFont.load_default(size=34))
    return img


@pytest.fixture
def pool() -> Pool:
    p = Pool(1)
    try:
        p.read([sheet("warm")], "eng", 11, 30)
    except OSError as exc:
        pytest.skip(f"no libtesseract here: {exc}")
    yield p
    p.close()


def test_workers_read_the_same_words_as_the_command_line(pool: Pool) -> None:
    images = [sheet("Protesters gather in central Paris"), sheet("REUTERS/Stringer 2019")]
    via_worker = [ocr._tsv_columns(ocr.TSV_HEAD + t) for t in pool.read(images, "eng", 11, 60)]
    via_cli = ocr._run_tesseract_cli(images, "eng", 60)
    for w, c in zip(via_worker, via_cli, strict=True):
        assert (w["text"], w["conf"], w["line_num"]) == (c["text"], c["conf"], c["line_num"])
    assert "Paris" in via_worker[0]["text"]


def test_a_time_out_kills_only_that_worker_and_the_next_read_starts_a_new_one(pool: Pool) -> None:
    busy = Image.effect_noise((1800, 1800), 90)  # seconds of work for tesseract
    with pytest.raises(WorkerError, match="timeout"):
        pool.read([busy], "eng", 11, 0.05)
    assert pool._running == 0 and pool._idle.empty()  # the timed-out worker was killed, not kept
    (text,) = pool.read([sheet("Shutterstock")], "eng", 11, 60)
    assert "Shutterstock" in text


def test_a_dead_worker_fails_its_read_and_is_replaced(pool: Pool, monkeypatch: pytest.MonkeyPatch) -> None:
    worker = pool._idle.get_nowait()
    worker.proc.kill()
    worker.proc.wait()
    pool._idle.put(worker)
    (text,) = pool.read([sheet("Getty Images")], "eng", 11, 60)  # a dead idle worker is dropped
    assert "Getty" in text
    live = pool._idle.get_nowait()
    live.proc.kill()  # dies after it was handed out (a crash inside libtesseract while it reads)
    live.proc.wait()
    pool._idle.put(live)
    with monkeypatch.context() as m:
        m.setattr(Worker, "alive", lambda self: True)
        with pytest.raises(WorkerError, match="exited"):
            pool.read([sheet("AFP")], "eng", 11, 60)
    assert pool._running == 0
    (text,) = pool.read([sheet("AFP")], "eng", 11, 60)
    assert "AFP" in text


def test_a_missing_language_is_an_error_not_a_dead_worker(pool: Pool) -> None:
    with pytest.raises(RuntimeError, match="could not load language"):
        pool.read([sheet("x")], "zzz_not_a_language", 11, 30)
    (text,) = pool.read([sheet("Xinhua")], "eng", 11, 30)  # the same worker goes on
    assert "Xinhua" in text and pool._running == 1


def test_workers_run_with_one_openmp_thread(pool: Pool) -> None:
    worker = pool._idle.get_nowait()
    pool._idle.put(worker)
    environ = Path(f"/proc/{worker.proc.pid}/environ")
    if not environ.exists():
        pytest.skip("no /proc here")
    assert b"OMP_THREAD_LIMIT=1" in environ.read_bytes().split(b"\0")


def test_without_libtesseract_the_command_line_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAPTIONCHECK_LIBTESSERACT", "/nonexistent/libtesseract.so")
    with pytest.raises(OSError, match="libtesseract not found"):
        Worker()
    monkeypatch.setattr(tesseract_pool, "_POOL", None)
    monkeypatch.setattr(tesseract_pool, "_UNUSABLE", "")
    assert tesseract_pool.shared_pool() is None and "libtesseract" in tesseract_pool.unusable_reason()
    start = time.monotonic()
    (data,) = ocr.run_tesseract([sheet("Sputnik")], "eng", 60)
    assert "Sputnik" in data["text"] and time.monotonic() - start < 60
