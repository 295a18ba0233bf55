"""Metadata embedded in an image file: EXIF, IPTC-IIM and XMP, read with Pillow, never raising.

`read_embedded(data)` returns an `EmbeddedMetadata` whose fields are merged from the three
blocks, first found wins:

    caption    IPTC 2:120 Caption-Abstract, XMP dc:description, EXIF ImageDescription
    credit     IPTC 2:110 Credit, XMP photoshop:Credit
    creator    IPTC 2:80 By-line, XMP dc:creator, EXIF Artist
    source     IPTC 2:115 Source, XMP photoshop:Source
    copyright  IPTC 2:116 Copyright Notice, XMP dc:rights, EXIF Copyright
    date_taken EXIF DateTimeOriginal, IPTC 2:55/2:60 Date/Time Created, XMP photoshop:DateCreated
    city / country / place   IPTC 2:90 / 2:101 (+2:92 sublocation, 2:95 province), XMP photoshop:City/
               Country/State, Iptc4xmpCore:Location
    gps        EXIF GPS IFD as decimal degrees; camera = EXIF Make + Model; software = EXIF Software,
               XMP xmp:CreatorTool; c2pa = a C2PA manifest store (JUMBF) is present (None: not a JPEG/PNG)

Every raw value found is kept in `raw` ("exif:Artist", "iptc:2:120", "xmp:photoshop:Credit"...).
Broken blocks are skipped with a note in `warnings`.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from PIL import Image, IptcImagePlugin
from pydantic import BaseModel, Field

NS = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "exif": "http://ns.adobe.com/exif/1.0/",
    "Iptc4xmpCore": "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "Iptc4xmpExt": "http://iptc.org/std/Iptc4xmpExt/2008-02-29/",
}
XMP_PROPS = ("dc:description", "dc:creator", "dc:rights", "dc:title", "photoshop:Credit", "photoshop:Source",
             "photoshop:DateCreated", "photoshop:City", "photoshop:State", "photoshop:Country", "photoshop:Headline",
             "Iptc4xmpCore:Location", "Iptc4xmpCore:CountryCode", "xmp:CreatorTool", "exif:DateTimeOriginal",
             "Iptc4xmpExt:DigitalSourceType")
# IPTC Digital Source Type codes (https://cv.iptc.org/newscodes/digitalsourcetype/) that mean generative AI made the pixels
AI_SOURCE_TYPES = frozenset({"trainedAlgorithmicMedia", "compositeWithTrainedAlgorithmicMedia", "algorithmicMedia",
                             "compositeSynthetic"})
IPTC = {(2, 5): "object_name", (2, 55): "date_created", (2, 60): "time_created", (2, 80): "by_line",
        (2, 90): "city", (2, 92): "sublocation", (2, 95): "province", (2, 101): "country", (2, 105): "headline",
        (2, 110): "credit", (2, 115): "source", (2, 116): "copyright", (2, 120): "caption"}
EXIF_MAIN = {0x010E: "ImageDescription", 0x010F: "Make", 0x0110: "Model", 0x0131: "Software", 0x013B: "Artist",
             0x8298: "Copyright", 0x0132: "DateTime"}
EXIF_IFD = {0x9003: "DateTimeOriginal", 0x9011: "OffsetTimeOriginal"}


class C2paAction(BaseModel):
    action: str  # "c2pa.created", "c2pa.edited", ...
    when: str = ""
    software: str = ""
    digital_source_type: str = ""  # IPTC code, last part of the URI


class ContentCredentials(BaseModel):
    """A C2PA manifest store's active manifest, as c2pa-python reads and validates it."""

    read: bool = False  # False: present but not readable here (see note)
    valid: bool | None = None  # False: tampered or broken (validation errors); None: not validated
    trusted: bool = False  # the signer's certificate chains to a trust list c2pa-python knows
    validation_state: str = ""  # c2pa-python's "Valid" / "Trusted" / "Invalid"
    errors: list[str] = Field(default_factory=list)  # failure codes with explanations
    signer: str = ""  # certificate issuer (organisation) and common name
    signed_at: str = ""
    claim_generator: str = ""
    title: str = ""
    author: str = ""
    actions: list[C2paAction] = Field(default_factory=list)
    ingredients: list[str] = Field(default_factory=list)  # titles of the files it was made from
    place: str = ""  # from the manifest's IPTC/EXIF assertions: location, city, state, country
    gps: dict[str, float] | None = None  # {"lat": .., "lon": ..} from a stds.exif assertion
    description: str = ""  # dc:description / caption in the manifest's IPTC assertion
    note: str = ""

    @property
    def ai_source_type(self) -> str:
        return next((a.digital_source_type for a in self.actions if a.digital_source_type in AI_SOURCE_TYPES), "")


class EmbeddedMetadata(BaseModel):
    caption: str = ""
    credit: str = ""
    creator: str = ""
    source: str = ""
    copyright: str = ""
    date_taken: str = ""  # ISO 8601
    city: str = ""
    country: str = ""
    place: str = ""  # sublocation, city, province, country joined with ", "
    gps: dict[str, float] | None = None  # {"lat": .., "lon": ..}
    camera: str = ""
    software: str = ""
    c2pa: bool | None = None
    digital_source_type: str = ""  # IPTC code, e.g. "trainedAlgorithmicMedia" (XMP Iptc4xmpExt:DigitalSourceType)
    content_credentials: ContentCredentials | None = None  # read by the embedded-metadata signal when c2pa is True
    raw: dict[str, str] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)

    def is_empty(self) -> bool:
        return not self.raw and self.c2pa is not True


def read_embedded(data: bytes) -> EmbeddedMetadata:
    """Everything embedded in an image file; never raises (unreadable parts become warnings)."""
    meta = EmbeddedMetadata()
    meta.c2pa = _has_c2pa(data)
    try:
        img = Image.open(io.BytesIO(data))
    except Exception as exc:
        meta.warnings.append(f"not a readable image: {exc.__class__.__name__}")
        return meta
    if img.format == "PNG" and _png_metadata_after_pixels(data):
        try:  # Pillow reads the chunks after the pixel data only while it decodes the pixels
            img.load()
        except Exception as exc:
            meta.warnings.append(f"pixels unreadable: {exc.__class__.__name__}"[:200])
    for label, reader in (("exif", _read_exif), ("iptc", _read_iptc), ("xmp", _read_xmp)):
        try:
            meta.raw.update(reader(img))
        except Exception as exc:  # a broken block must not hide the others
            meta.warnings.append(f"{label} block unreadable: {exc.__class__.__name__}: {exc}"[:200])
    _merge(meta)
    return meta


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "; ".join(t for t in (_text(v) for v in value) if t)
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            value = value.decode("latin-1")
    return str(value).replace("\x00", "").strip()


def _read_exif(img: Image.Image) -> dict[str, str]:
    if img.format == "PNG" and "exif" not in img.info:
        # no eXIf chunk before the pixel data, nor after it (`read_embedded` loaded those): Pillow's getexif
        # would decode every pixel to look again (8 PNGs of 49 MP: a third of a check's time)
        return {}
    exif = img.getexif()
    out = {f"exif:{name}": _text(exif[tag]) for tag, name in EXIF_MAIN.items() if tag in exif}
    sub = exif.get_ifd(0x8769)
    out.update({f"exif:{name}": _text(sub[tag]) for tag, name in EXIF_IFD.items() if tag in sub})
    gps = exif.get_ifd(0x8825)
    if gps and 2 in gps and 4 in gps:
        lat, lon = _degrees(gps[2], gps.get(1, "N")), _degrees(gps[4], gps.get(3, "E"))
        out["exif:GPSLatitude"], out["exif:GPSLongitude"] = f"{lat:.6f}", f"{lon:.6f}"
    return {k: v for k, v in out.items() if v}


def _degrees(dms: Any, ref: Any) -> float:
    d, m, s = (float(x) for x in dms)
    value = d + m / 60 + s / 3600
    return -value if _text(ref).upper() in ("S", "W") else value


def _read_iptc(img: Image.Image) -> dict[str, str]:
    info = IptcImagePlugin.getiptcinfo(img) or {}
    return {f"iptc:{k[0]}:{k[1]}": _text(v) for k, v in info.items() if k in IPTC and _text(v)}


def _read_xmp(img: Image.Image) -> dict[str, str]:
    packet = img.info.get("xmp") or img.info.get("XML:com.adobe.xmp")
    if not packet:
        return {}
    from defusedxml import ElementTree

    root = ElementTree.fromstring(packet if isinstance(packet, bytes) else packet.encode("utf-8"))
    out: dict[str, str] = {}
    for desc in root.iter(f"{{{NS['rdf']}}}Description"):
        for prop in XMP_PROPS:
            prefix, local = prop.split(":")
            qname = f"{{{NS[prefix]}}}{local}"
            value = desc.get(qname) or _xmp_element(desc.find(qname))
            if value and f"xmp:{prop}" not in out:
                out[f"xmp:{prop}"] = value
    return out


def _xmp_element(el: Any) -> str:
    """Text of a simple property, or of its rdf:Alt (x-default first) / Seq / Bag items."""
    if el is None:
        return ""
    items = list(el.iter(f"{{{NS['rdf']}}}li"))
    if not items:
        return _text(el.text or "")
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    items.sort(key=lambda li: li.get(lang) != "x-default")
    if el.find(f"{{{NS['rdf']}}}Alt") is not None:
        return _text(items[0].text or "")
    return "; ".join(_text(li.text or "") for li in items if li.text)


def _merge(meta: EmbeddedMetadata) -> None:
    r = meta.raw

    def first(*keys: str) -> str:
        return next((r[k] for k in keys if r.get(k)), "")

    meta.caption = first("iptc:2:120", "xmp:dc:description", "exif:ImageDescription")
    meta.credit = first("iptc:2:110", "xmp:photoshop:Credit")
    meta.creator = first("iptc:2:80", "xmp:dc:creator", "exif:Artist")
    meta.source = first("iptc:2:115", "xmp:photoshop:Source")
    meta.copyright = first("iptc:2:116", "xmp:dc:rights", "exif:Copyright")
    meta.date_taken = (_exif_date(r.get("exif:DateTimeOriginal", ""), r.get("exif:OffsetTimeOriginal", ""))
                       or _iptc_date(r.get("iptc:2:55", ""), r.get("iptc:2:60", ""))
                       or first("xmp:photoshop:DateCreated", "xmp:exif:DateTimeOriginal"))
    meta.city = first("iptc:2:90", "xmp:photoshop:City")
    meta.country = first("iptc:2:101", "xmp:photoshop:Country")
    parts = [first("iptc:2:92", "xmp:Iptc4xmpCore:Location"), meta.city, first("iptc:2:95", "xmp:photoshop:State"),
             meta.country]
    meta.place = ", ".join(dict.fromkeys(p for p in parts if p))
    if "exif:GPSLatitude" in r:
        meta.gps = {"lat": float(r["exif:GPSLatitude"]), "lon": float(r["exif:GPSLongitude"])}
    meta.camera = " ".join(dict.fromkeys(p for p in (r.get("exif:Make", ""), r.get("exif:Model", "")) if p))
    meta.software = first("exif:Software", "xmp:xmp:CreatorTool")
    meta.digital_source_type = source_type_code(first("xmp:Iptc4xmpExt:DigitalSourceType"))


def source_type_code(uri: str) -> str:
    """"http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia" -> "trainedAlgorithmicMedia"."""
    return uri.strip().rstrip("/").rsplit("/", 1)[-1] if uri else ""


def _exif_date(value: str, offset: str) -> str:
    try:
        return datetime.strptime(value[:19], "%Y:%m:%d %H:%M:%S").isoformat() + (offset if offset[:1] in "+-" else "")
    except ValueError:
        return ""


def _iptc_date(date: str, time: str) -> str:
    try:
        day = datetime.strptime(date[:8], "%Y%m%d").date().isoformat()
    except ValueError:
        return ""
    if len(time) >= 6 and time[:6].isdigit():
        tz = f"{time[6:9]}:{time[9:11]}" if len(time) >= 11 and time[6] in "+-" else ""
        return f"{day}T{time[0:2]}:{time[2:4]}:{time[4:6]}{tz}"
    return day


_PNG_METADATA = frozenset({b"eXIf", b"tEXt", b"iTXt", b"zTXt"})


def _png_metadata_after_pixels(data: bytes) -> bool:
    """Does a PNG hold an EXIF or text chunk (XMP is one) after its pixel data? Walks the chunk headers only
    (length, type): a few thousand steps for the largest file, no decompression."""
    pos, seen_pixels = 8, False
    while pos + 8 <= len(data):
        length, kind = int.from_bytes(data[pos:pos + 4], "big"), data[pos + 4:pos + 8]
        if kind == b"IEND":
            break
        if kind == b"IDAT":
            seen_pixels = True
        elif seen_pixels and kind in _PNG_METADATA:
            return True
        pos += 12 + length
    return False


def _has_c2pa(data: bytes) -> bool | None:
    """A C2PA manifest store: JUMBF in JPEG APP11 segments or a PNG caBX chunk. None: other formats."""
    if data[:2] == b"\xff\xd8":
        pos = 2
        while pos + 4 <= len(data) and data[pos] == 0xFF:
            marker, length = data[pos + 1], int.from_bytes(data[pos + 2:pos + 4], "big")
            if marker == 0xEB and b"c2pa" in data[pos + 4:pos + 2 + length]:
                return True
            if marker in (0xDA, 0xD9):  # start of scan: no more metadata segments
                break
            pos += 2 + length
        return False
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return b"caBX" in data[:2_000_000]
    return None


__all__ = ["AI_SOURCE_TYPES", "C2paAction", "ContentCredentials", "EmbeddedMetadata", "read_embedded", "source_type_code"]
