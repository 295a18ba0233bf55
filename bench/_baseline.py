"""The "before" of a same-run comparison: the project's tree at a commit, unpacked with git archive."""

from __future__ import annotations

import subprocess
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
