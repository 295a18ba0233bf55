"""The Ray engine, run for real on a local Ray (num_cpus=2): same rows and counts as the local pool."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from captioncheck.cli import cli

ray = pytest.importorskip("ray")
pytest.importorskip("ray.data")


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    import os

    os.environ["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).resolve().parents[2]), os.environ.get("PYTHONPATH", "")])
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    try:
        yield
    finally:
        ray.shutdown()


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_audit_and_add_archive_same_with_local_and_ray(local_ray: None, demo_warc: Path, tmp_path: Path) -> None:
    indexes = {}
    for engine in ("local", "ray"):
        index = tmp_path / f"{engine}.sqlite"
        result = CliRunner().invoke(cli, ["index", "add-archive", str(demo_warc), "--index", str(index), "--engine", engine,
                                          "--workers", "2"])
        assert result.exit_code == 0, result.output
        indexes[engine] = result.output.replace(str(index), "INDEX")
    assert indexes["local"] == indexes["ray"]

    got = {}
    for engine in ("local", "ray"):
        out = tmp_path / f"{engine}.jsonl"
        result = CliRunner().invoke(cli, ["audit", str(demo_warc), "--out", str(out), "--index", str(tmp_path / "local.sqlite"),
                                          "--no-clip", "--no-ocr", "--engine", engine, "--workers", "2"])
        assert result.exit_code == 0, result.output
        got[engine] = _rows(out)
    assert len(got["local"]) == 2
    assert got["local"] == got["ray"]  # same rows, same order
