"""C2PA Content Credentials of an image, read and validated with c2pa-python (optional extra).

    creds = read_content_credentials(data)   # ContentCredentials; never raises

The active manifest gives the signer (certificate issuer and common name), the claim generator,
the signing time, the actions (created, edited, with their IPTC digital source type: generative
AI shows as "trainedAlgorithmicMedia"), the ingredients and the validation status. A manifest
whose validation reports failures (hash mismatch after tampering, broken signature) is
`valid=False`; one that validates but whose certificate is on no trust list is `valid=True,
trusted=False` (test and self-made certificates).
"""

from __future__ import annotations

import io
import json
from typing import Any

from captioncheck.imagemeta import C2paAction, ContentCredentials, source_type_code

# validation codes that are not about the file having been altered or the signature being broken
NOT_TAMPERING = frozenset({"signingCredential.untrusted", "signingCredential.ocsp.skipped", "signingCredential.ocsp.unknown",
                           "timeStamp.untrusted", "timeStamp.mismatch"})


def _mime(data: bytes) -> str:
    if data[:2] == b"\xff\xd8":
        return "image/jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    if data[8:12] == b"WEBP":
        return "image/webp"
    return "image/jpeg"


def read_content_credentials(data: bytes) -> ContentCredentials:
    """The image's C2PA manifest store, validated; a record with a note when it cannot be read."""
    try:
        import c2pa
    except ImportError:
        return ContentCredentials(note="a C2PA manifest is present but c2pa-python is not installed: pip install c2pa-python")
    try:
        with c2pa.Reader(_mime(data), io.BytesIO(data)) as reader:
            store = json.loads(reader.json())
    except Exception as exc:  # c2pa raises C2paError subclasses on malformed or unverifiable stores
        text = " ".join(str(exc).split())[:200]
        return ContentCredentials(read=False, valid=False, errors=[f"unreadable manifest: {type(exc).__name__}: {text}"],
                                  note="the manifest could not be read")
    return _credentials(store)


def _credentials(store: dict[str, Any]) -> ContentCredentials:
    manifests = store.get("manifests") or {}
    active = manifests.get(store.get("active_manifest") or "", {}) if isinstance(manifests, dict) else {}
    statuses = store.get("validation_status") or []
    errors = [f"{s.get('code', '')}: {s.get('explanation', '')}".strip(": ") for s in statuses
              if isinstance(s, dict) and s.get("code") not in NOT_TAMPERING]
    state = str(store.get("validation_state") or "")
    codes = {s.get("code") for s in statuses if isinstance(s, dict)}
    sig = active.get("signature_info") or {}
    gen = active.get("claim_generator_info") or []
    generator = active.get("claim_generator") or ", ".join(
        " ".join(filter(None, [str(g.get("name", "")), str(g.get("version", ""))])) for g in gen if isinstance(g, dict))
    return ContentCredentials(
        read=True,
        valid=not errors and state.lower() != "invalid",
        trusted=state.lower() == "trusted" or ("signingCredential.trusted" in codes),
        validation_state=state,
        errors=errors,
        signer=", ".join(dict.fromkeys(filter(None, [str(sig.get("issuer") or ""), str(sig.get("common_name") or "")]))),
        signed_at=str(sig.get("time") or ""),
        claim_generator=str(generator),
        title=str(active.get("title") or ""),
        author=_author(active),
        actions=_actions(active),
        ingredients=[str(i.get("title") or "") for i in active.get("ingredients") or [] if isinstance(i, dict)],
        place=_place(active),
        gps=_gps(active),
        description=_iptc_text(active, "dc:description"),
    )


def _iptc_text(active: dict[str, Any], key: str) -> str:
    for data in _assertions(active, "stds.iptc"):
        value = data.get(key)
        if isinstance(value, dict):  # language alternatives
            value = value.get("x-default") or next(iter(value.values()), "")
        if isinstance(value, list):
            value = "; ".join(str(v) for v in value)
        if value:
            return str(value)
    return ""


def _place(active: dict[str, Any]) -> str:
    keys = ("Iptc4xmpCore:Location", "photoshop:City", "photoshop:State", "photoshop:Country")
    parts = [_iptc_text(active, k) for k in keys]
    return ", ".join(dict.fromkeys(p for p in parts if p))


def _xmp_degrees(value: str) -> float | None:
    """XMP GPS coordinate "39,21.102N" / "39,21,6.12N" / "-77.0091" as signed decimal degrees."""
    text = str(value).strip()
    try:
        if text[-1:].upper() in ("N", "S", "E", "W"):
            parts = [float(p) for p in text[:-1].split(",")]
            deg = parts[0] + sum(p / 60 ** (i + 1) for i, p in enumerate(parts[1:]))
            return -deg if text[-1].upper() in ("S", "W") else deg
        return float(text)
    except (ValueError, IndexError):
        return None


def _gps(active: dict[str, Any]) -> dict[str, float] | None:
    for data in _assertions(active, "stds.exif"):
        lat, lon = _xmp_degrees(data.get("exif:GPSLatitude", "")), _xmp_degrees(data.get("exif:GPSLongitude", ""))
        if lat is not None and lon is not None:
            return {"lat": lat, "lon": lon}
    return None


def _assertions(active: dict[str, Any], prefix: str) -> list[dict[str, Any]]:
    return [a.get("data") or {} for a in active.get("assertions") or [] if isinstance(a, dict) and str(a.get("label", "")).startswith(prefix)]


def _actions(active: dict[str, Any]) -> list[C2paAction]:
    out = []
    for data in _assertions(active, "c2pa.actions"):
        for act in data.get("actions") or []:
            if not isinstance(act, dict):
                continue
            agent = act.get("softwareAgent") or ""
            out.append(C2paAction(action=str(act.get("action") or ""), when=str(act.get("when") or ""),
                                  software=str(agent.get("name", "") if isinstance(agent, dict) else agent),
                                  digital_source_type=source_type_code(str(act.get("digitalSourceType") or ""))))
    return out


def _author(active: dict[str, Any]) -> str:
    for data in _assertions(active, "stds.schema-org.CreativeWork"):
        authors = data.get("author") or []
        names = [str(a.get("name") or "") for a in (authors if isinstance(authors, list) else [authors]) if isinstance(a, dict)]
        if any(names):
            return ", ".join(n for n in names if n)
    return ""


__all__ = ["read_content_credentials"]
