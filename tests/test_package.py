"""Package-level contracts: public surface, cheap imports, one-line errors."""

from __future__ import annotations

import subprocess
import sys

import captioncheck
from captioncheck.cli import COMMANDS, main


def test_all_is_sorted_and_complete() -> None:
    assert captioncheck.__all__ == sorted(captioncheck.__all__)
    for name in captioncheck.__all__:
        assert getattr(captioncheck, name) is not None, name


def test_help_imports_no_command_module_and_no_torch() -> None:
    code = (
        "import sys; from captioncheck.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "bad = [m for m in sys.modules if m == 'torch' or m.startswith('captioncheck.cli.')]\n"
        "sys.stderr.write('LOADED:' + ','.join(bad))"
    )
    err = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stderr
    assert err.strip().splitlines()[-1] == "LOADED:"


def test_every_command_is_listed_and_importable() -> None:
    from captioncheck.cli import cli

    import click

    ctx = click.Context(cli)
    for name in COMMANDS:
        assert cli.get_command(ctx, name) is not None, name


def test_library_error_becomes_one_line(capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from captioncheck import InputError
    from captioncheck.cli import LazyGroup

    def boom(self, ctx):  # type: ignore[no-untyped-def]
        raise InputError("page not found: x.html — give the path of a saved .html or .mhtml file")

    monkeypatch.setattr(LazyGroup, "invoke", boom)
    try:
        main(["extract", "x.html"])
    except SystemExit as exc:
        assert exc.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("Error: page not found")
