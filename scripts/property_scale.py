#!/usr/bin/env python3
"""Run hypothesis property tests far past the suite's example counts, with the tests' own strategies.

    python scripts/property_scale.py MODULE N TEST [TEST ...]
    python scripts/property_scale.py tests/extract/test_nesting.py 12000 \\
        test_reconstructed_formatting_elements_stay_within_the_copy_budget

The suite keeps each property test to a few hundred random examples (its time budget); a model such as
`extract/nesting.py` can still be wrong on one page in tens of thousands, which then fails CI on some day.
This sets each test's settings to N examples (no deadline, no health checks, no example database) and calls
it (a test taking pytest's `tmp_path` gets a temporary folder): a failure prints hypothesis's shrunk example. Prints one line per test and a final JSON line.
"""

from __future__ import annotations

import importlib.util
import inspect
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    if len(sys.argv) < 4:
        raise SystemExit(__doc__)
    from hypothesis import HealthCheck, settings

    path, examples, names = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
    sys.path[:0] = [str(ROOT), str(path.resolve().parent)]
    spec = importlib.util.spec_from_file_location(path.stem, path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    results = {}
    for name in names:
        test = getattr(module, name)
        test._hypothesis_internal_use_settings = settings(  # what @settings sets; read when the test is called
            max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        start = time.time()
        with tempfile.TemporaryDirectory(prefix="cc-property-") as tmp:  # pytest's tmp_path, for tests that take it
            test(**({"tmp_path": Path(tmp)} if "tmp_path" in inspect.signature(test).parameters else {}))
        results[name] = round(time.time() - start, 1)
        print(f"ok {name}: {examples} examples in {results[name]} s", flush=True)
    print(json.dumps({"examples": examples, "seconds": results}))


if __name__ == "__main__":
    main()
