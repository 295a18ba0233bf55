"""py3langid's model, decompressed once into the data dir cache and memory-mapped afterwards.

py3langid ships its model LZMA-compressed (4.5 MB -> ~70 MB of arrays); decompressing it costs
about a second on every process start. The first load writes the arrays as plain `.npy` files
under `<data_dir>/cache/langid-<version>/`; later processes map them (a few ms) and build the same
`LanguageIdentifier` from the same arrays, so guesses are identical. Any problem with the cache
(missing, partial, read-only data dir) falls back to py3langid's own loader.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

FORMAT = 1
_ARRAYS = ("ptc", "pc", "nextmove", "row", "output")


def _model_file() -> Path:
    from py3langid.langid import MODEL_DIR, MODEL_FILE

    return Path(MODEL_DIR) / MODEL_FILE


def cache_dir() -> Path:
    """Folder named after the py3langid version and the model file's size and mtime."""
    import py3langid

    from captioncheck.config import data_dir

    model = _model_file()
    stat = model.stat()
    tag = f"{FORMAT}-{getattr(py3langid, '__version__', 'x')}-{stat.st_size}-{stat.st_mtime_ns}"
    return data_dir() / "cache" / f"langid-{tag}"


def _as_array(values: Any) -> memoryview:
    """Memory-mapped numpy ints -> a memoryview of the same Python ints, indexed and iterated as the
    stdlib array py3langid's own loader hands to the identifier, without copying: the transition
    table is 39 MB, and copying it cost ~30 ms of every process start while a page reads a few
    thousand of its entries."""
    import numpy as np

    arr = np.ascontiguousarray(values)
    code = {(True, 2): "h", (True, 4): "i", (True, 8): "q", (False, 2): "H", (False, 4): "I", (False, 8): "Q"}
    return memoryview(arr).cast("B").cast(code[(arr.dtype.kind == "i", arr.dtype.itemsize)])


def _read(folder: Path) -> Any:
    import numpy as np
    from py3langid.langid import LanguageIdentifier

    arrays = {name: np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False) for name in _ARRAYS}
    classes = json.loads((folder / "classes.json").read_text(encoding="utf-8"))
    return LanguageIdentifier(
        arrays["ptc"], np.asarray(arrays["pc"]), classes, _as_array(arrays["nextmove"]),
        _as_array(arrays["output"]), norm_probs=True, tk_row=_as_array(arrays["row"]),
    )


def _write(folder: Path, model: Any) -> None:
    import numpy as np

    tmp = folder.with_name(f"{folder.name}.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    values = {
        "ptc": np.asarray(model.nb_ptc), "pc": np.asarray(model.nb_pc),
        "nextmove": np.frombuffer(model.tk_nextmove, dtype=np.dtype(model.tk_nextmove.typecode)),
        "row": np.frombuffer(model.tk_row, dtype=np.dtype(model.tk_row.typecode)),
        "output": np.asarray(model.tk_output, dtype=np.int32),
    }
    for name, value in values.items():
        np.save(tmp / f"{name}.npy", value, allow_pickle=False)
    (tmp / "classes.json").write_text(json.dumps(list(model.nb_classes)), encoding="utf-8")
    try:
        os.replace(tmp, folder)
    except OSError:  # another process got there first
        shutil.rmtree(tmp, ignore_errors=True)


def load_identifier() -> Any:
    """A normalised-probability py3langid LanguageIdentifier, from the cache when possible."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    try:
        folder = cache_dir()
        if (folder / "classes.json").is_file():
            return _read(folder)
    except Exception:  # noqa: BLE001 - a damaged cache or another py3langid layout: its own loader below
        folder = None
    model = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    if folder is not None:
        try:
            _write(folder, model)
        except OSError:
            pass  # read-only data dir: decompressed again next time
    return model


__all__ = ["cache_dir", "load_identifier"]
