"""Real photo files for the index tests: JPEGs written with genuine EXIF, IPTC (APP13) and XMP blocks;
and both index backends: a SQLite file, a database on a real throw-away PostgreSQL server."""

from __future__ import annotations

import io
import itertools
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

XMP = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" xmlns:Iptc4xmpCore="http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/"
  photoshop:Credit="{credit}" photoshop:DateCreated="{date}" photoshop:City="{city}">
 <dc:description><rdf:Alt><rdf:li xml:lang="fr">Légende</rdf:li><rdf:li xml:lang="x-default">{caption}</rdf:li></rdf:Alt></dc:description>
 <dc:creator><rdf:Seq><rdf:li>{creator}</rdf:li></rdf:Seq></dc:creator>
 <Iptc4xmpCore:Location>{location}</Iptc4xmpCore:Location>
</rdf:Description></rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>"""


def iptc_segment(fields: dict[tuple[int, int], str]) -> bytes:
    """An APP13 'Photoshop 3.0' segment holding an IPTC-IIM block (UTF-8, as agencies write it)."""
    iptc = b"\x1c\x01\x5a\x00\x03\x1b\x25\x47"  # 1:90 coded character set = UTF-8
    for (rec, ds), value in fields.items():
        v = value.encode("utf-8")
        iptc += bytes([0x1C, rec, ds]) + len(v).to_bytes(2, "big") + v
    irb = b"8BIM" + (0x0404).to_bytes(2, "big") + b"\x00\x00" + len(iptc).to_bytes(4, "big") + iptc
    irb += b"\x00" * (len(iptc) % 2)
    payload = b"Photoshop 3.0\x00" + irb
    return b"\xff\xed" + (len(payload) + 2).to_bytes(2, "big") + payload


def photo(seed: int, size: tuple[int, int] = (640, 480)) -> Image.Image:
    """A photo-like test image (shapes with edges, shading and noise), different for every seed."""
    rng = np.random.default_rng(seed)
    w, h = size
    img = Image.new("RGB", size, tuple(int(c) for c in rng.integers(0, 255, 3)))
    draw = ImageDraw.Draw(img)
    for _ in range(40):
        x0, y0 = int(rng.integers(-w // 4, w)), int(rng.integers(-h // 4, h))
        x1, y1 = x0 + int(rng.integers(20, w // 2)), y0 + int(rng.integers(20, h // 2))
        color = tuple(int(c) for c in rng.integers(0, 255, 3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)((x0, y0, x1, y1), fill=color)
    arr = np.asarray(img, np.float32) + rng.normal(0, 4, (h, w, 3))
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


def jpeg_bytes(img: Image.Image, *, quality: int = 90, exif: Image.Exif | None = None, xmp: str | None = None,
               iptc: dict[tuple[int, int], str] | None = None) -> bytes:
    buf = io.BytesIO()
    kwargs: dict[str, object] = {"quality": quality}
    if exif is not None:
        kwargs["exif"] = exif
    if xmp is not None:
        kwargs["xmp"] = xmp.encode("utf-8")
    img.save(buf, "JPEG", **kwargs)
    data = buf.getvalue()
    return data[:2] + iptc_segment(iptc) + data[2:] if iptc else data


@pytest.fixture(scope="session")
def make_photo() -> Callable[..., Image.Image]:
    return photo


@pytest.fixture(scope="session")
def make_jpeg() -> Callable[..., bytes]:
    return jpeg_bytes


@pytest.fixture
def xmp_template() -> str:
    return XMP


@pytest.fixture
def photo_dir(tmp_path: Path) -> Path:
    """A folder tree of 6 distinct JPEG photos (two in a sub-folder) and one non-image file."""
    root = tmp_path / "photos"
    (root / "sub").mkdir(parents=True)
    for i in range(6):
        target = root / ("sub" if i >= 4 else "") / f"p{i}.jpg"
        target.write_bytes(jpeg_bytes(photo(i)))
    (root / "notes.txt").write_text("not an image")
    return root


# -- the two backends: every test taking `index_spec` runs on a SQLite file and on a PostgreSQL database
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from tests.pg_server import PgServer  # noqa: E402

_DB_NUMBERS = itertools.count(1)


@pytest.fixture(scope="session")
def new_index(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Callable[[str], str | Path]:
    """Makes an empty index of a backend: a SQLite file path, or a fresh database's URL."""
    def make(backend: str) -> str | Path:
        if backend == "sqlite":
            return tmp_path_factory.mktemp("index") / "i.sqlite"
        server: PgServer = request.getfixturevalue("pg_server")
        return server.create_database(f"t{next(_DB_NUMBERS)}")
    return make


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def index_spec(backend: str, new_index: Callable[[str], str | Path]) -> Iterator[str | Path]:
    """An empty index: a SQLite file, or a fresh database on the session's PostgreSQL server."""
    yield new_index(backend)
    if backend == "postgresql":
        from captioncheck.index.store_postgres import close_pools

        close_pools()


@pytest.fixture
def other_spec(backend: str, new_index: Callable[[str], str | Path]) -> str | Path:
    """A second empty index of the same backend."""
    return new_index(backend)
