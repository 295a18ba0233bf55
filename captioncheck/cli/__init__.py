"""The `captioncheck` command line: a thin click group whose commands call the library.

Commands are registered lazily by dotted path so that `captioncheck --help` and the fast
`extract` path never import torch. Exceptions are mapped to one-line messages and exit codes in
one place (`_run`): 1 general, 2 user error, 3 missing dependency, 130 interrupt.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from captioncheck._exceptions import CaptionCheckError

# command name -> ("module:attribute", one-line help); each module owns one command or group.
# The help lines are here so that `captioncheck --help` imports none of the command modules.
COMMANDS: dict[str, tuple[str, str]] = {
    "audit": ("captioncheck.cli.audit_cmd:audit", "Check every page of web archives, saved-page folders or URL lists."),
    "check": ("captioncheck.cli.check_cmd:check", "Check every image of a page: scores, matches, reasons, verdict."),
    "extract": ("captioncheck.cli.extract_cmd:extract", "List a page's article images with caption, credit and context."),
    "index": ("captioncheck.cli.index_cmd:index", "Manage the local index of known photos (add, search, stats...)."),
    "models": ("captioncheck.cli.models_cmd:models", "List and download CLIP models for offline use."),
    "serve": ("captioncheck.cli.serve_cmd:serve", "Run the HTTP API (backend of the browser extension)."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        module_name, attr = entry[0].split(":")
        module = importlib.import_module(module_name)
        command: click.Command = getattr(module, attr)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, COMMANDS[name][1]) for name in self.list_commands(ctx)])


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="captioncheck")
def cli() -> None:
    """captioncheck: catch photos used out of context on news pages."""


def error_line(message: str) -> None:
    """Print one red error line on stderr (no traceback)."""
    click.secho(f"Error: {message}", fg="red", err=True)


def main(argv: list[str] | None = None) -> Any:
    """Console entry point: run the group, turn our exceptions into one line + exit code."""
    try:
        return cli.main(args=argv, prog_name="captioncheck", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.Abort:
        error_line("aborted")
        sys.exit(130)
    except KeyboardInterrupt:
        error_line("interrupted")
        sys.exit(130)
    except CaptionCheckError as exc:
        error_line(str(exc))
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        sys.exit(1)
    except Exception as exc:  # a bug: still one line, with the way to get the traceback
        if os.environ.get("CAPTIONCHECK_DEBUG"):
            raise
        error_line(f"unexpected {type(exc).__name__}: {exc} (set CAPTIONCHECK_DEBUG=1 for the traceback and report it)")
        sys.exit(1)
