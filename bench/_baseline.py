"""Same-run comparisons of code trees: the "before" tree (the project at a commit, unpacked with git archive),
and the child process each tree is measured in."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASE_COMMIT = "785dbc2"  # the branch point of this round's speed work


def baseline_tree(path: str | None, commit: str = BASE_COMMIT) -> Path:
    """`path` when given (an unpacked tree reused between runs), else a fresh copy of `commit`."""
    if path:
        return Path(path)
    tmp = Path(tempfile.mkdtemp(prefix="cc-base-"))
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tmp)], input=archive, check=True)
    return tmp


def child_json(code: str, args: list[str], *, what: str, timeout: float, env: dict[str, str] | None = None) -> dict:
    """Run `python -c code args...` and return the JSON object on the last line it prints; a failed
    child stops the bench with `what` and the end of its stderr."""
    proc = subprocess.run([sys.executable, "-c", code, *args], env=env if env is not None else dict(os.environ),
                          capture_output=True, text=True, timeout=timeout, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{what} failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])
