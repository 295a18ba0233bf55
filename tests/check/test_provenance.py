"""Provenance signals end to end: EXIF GPS, IPTC/XMP DigitalSourceType and C2PA Content Credentials
(signed in the test with c2pa-python and a certificate chain made on the spot)."""

from __future__ import annotations

import datetime as dt
import io
import json

import numpy as np
import pytest
from PIL import Image

from captioncheck.config import Settings
from captioncheck.load import page_from_html
from captioncheck.pipeline import check_page

IMG_URL = "https://news.example/img/photo.jpg"
TEHRAN_PAGE = """<html lang="fr"><head><title>Réunion à Téhéran</title>
<meta property="article:published_time" content="2019-12-11T10:00:00Z"></head><body><article>
<h1>Réunion à Téhéran sur la sécurité régionale</h1>
<p>Les responsables iraniens ont reçu mercredi à Téhéran une délégation étrangère. L'Iran et ses voisins discutent de
la sécurité régionale, a indiqué le ministère à Téhéran. Selon l'agence officielle, l'Iran souhaite renforcer la coopération.</p>
<figure><img src="{url}" width="640" height="480"><figcaption>{caption}</figcaption></figure>
<p>La réunion de Téhéran doit se poursuivre jeudi, selon des sources iraniennes proches du dossier en Iran.</p>
</article></body></html>"""
AI_URI = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
XMP_DST = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
  Iptc4xmpExt:DigitalSourceType="{AI_URI}"/>
</rdf:RDF></x:xmpmeta><?xpacket end="w"?>"""


def picture(seed: int = 3) -> Image.Image:
    rng = np.random.default_rng(seed)
    base = rng.integers(0, 255, (12, 16, 3)).astype(np.uint8)
    return Image.fromarray(base).resize((640, 480), Image.Resampling.BICUBIC)


def jpeg(img: Image.Image, **kwargs: object) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90, **kwargs)
    return buf.getvalue()


def check(data: bytes, caption: str = "Un responsable s'exprime lors d'une réunion."):  # type: ignore[no-untyped-def]
    page = page_from_html(TEHRAN_PAGE.format(url=IMG_URL, caption=caption), "https://news.example/2019/12/11/teheran",
                          images={IMG_URL: data})
    report = check_page(page, Settings(use_clip=False, use_ocr=False, use_index=False, remember=False))
    assert len(report.images) == 1
    return report.images[0]


def test_exif_gps_of_washington_on_a_page_about_tehran() -> None:
    exif = Image.Exif()
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (38.0, 53.0, 24.0), "W", (77.0, 0.0, 36.0)
    image = check(jpeg(picture(), exif=exif))
    reason = next(r for r in image.reasons if r.code == "embedded_caption_mismatch")
    assert "GPS" in reason.message and "Washington" in reason.message and "Iran" in reason.message
    assert image.verdict == "suspicious"


def test_gps_in_the_article_country_corroborates() -> None:
    exif = Image.Exif()
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (35.0, 41.0, 21.0), "E", (51.0, 23.0, 20.0)
    image = check(jpeg(picture(), exif=exif))
    assert "embedded_agrees" in {r.code for r in image.reasons}
    assert image.verdict == "consistent"


def test_xmp_digital_source_type_trained_algorithmic_media_is_ai_generated() -> None:
    image = check(jpeg(picture(), xmp=XMP_DST.encode("utf-8")))
    reason = next(r for r in image.reasons if r.code == "ai_generated")
    assert reason.severity == "high" and reason.evidence["digital_source_type"] == "trainedAlgorithmicMedia"
    assert image.verdict == "suspicious"
    disclosed = check(jpeg(picture(), xmp=XMP_DST.encode("utf-8")), caption="Illustration générée par IA d'une réunion.")
    assert next(r for r in disclosed.reasons if r.code == "ai_generated").severity == "info"


def _signer():  # type: ignore[no-untyped-def]
    """An ES256 signer: leaf certificate (emailProtection) issued by a throw-away root CA."""
    c2pa = pytest.importorskip("c2pa")
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = dt.datetime.now(dt.UTC)

    def name(cn: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn), x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test Newsroom")])

    def usage(ca: bool) -> x509.KeyUsage:
        return x509.KeyUsage(digital_signature=not ca, content_commitment=False, key_encipherment=False, data_encipherment=False,
                             key_agreement=False, key_cert_sign=ca, crl_sign=ca, encipher_only=False, decipher_only=False)

    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    valid = {"not_valid_before": now - dt.timedelta(days=1), "not_valid_after": now + dt.timedelta(days=30)}
    ca = (x509.CertificateBuilder(subject_name=name("Test Root"), issuer_name=name("Test Root"), public_key=ca_key.public_key(),
                                  serial_number=x509.random_serial_number(), **valid)
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(usage(True), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    leaf = (x509.CertificateBuilder(subject_name=name("Test Photographer"), issuer_name=ca.subject, public_key=key.public_key(),
                                    serial_number=x509.random_serial_number(), **valid)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(usage(False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    certs = leaf.public_bytes(pem) + ca.public_bytes(pem)
    private = key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return c2pa, c2pa.Signer.from_info(c2pa.C2paSignerInfo(alg=b"es256", sign_cert=certs, private_key=private, ta_url=None))


def signed(source_type: str = "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture", when: str = "2019-12-11T08:00:00Z",
           extra: list[dict[str, object]] | None = None) -> bytes:
    c2pa, signer = _signer()
    manifest = {"claim_generator_info": [{"name": "captioncheck-test", "version": "1.0"}], "title": "photo.jpg", "format": "image/jpeg",
                "assertions": [{"label": "c2pa.actions", "data": {"actions": [
                    {"action": "c2pa.created", "digitalSourceType": source_type, "when": when}]}}, *(extra or [])]}
    out = io.BytesIO()
    with c2pa.Builder(json.dumps(manifest)) as builder:
        builder.sign(signer, "image/jpeg", io.BytesIO(jpeg(picture(5))), out)
    return out.getvalue()


def test_c2pa_valid_manifest_is_read_and_its_date_agrees() -> None:
    image = check(signed())
    creds = image.embedded.content_credentials
    assert creds.valid is True and creds.trusted is False and "Test Photographer" in creds.signer
    assert creds.actions[0].action == "c2pa.created" and creds.claim_generator.startswith("captioncheck-test")
    codes = {r.code for r in image.reasons}
    assert {"c2pa_valid", "embedded_agrees"} <= codes and "c2pa_invalid" not in codes
    assert image.verdict == "consistent"


def test_c2pa_tampered_image_is_invalid() -> None:
    data = bytearray(signed())
    data[-300] ^= 0xFF  # a pixel byte changed after signing
    image = check(bytes(data))
    reason = next(r for r in image.reasons if r.code == "c2pa_invalid")
    assert reason.severity == "medium" and any("mismatch" in e for e in reason.evidence["errors"])


def test_c2pa_old_creation_date_contradicts_the_page() -> None:
    image = check(signed(when="2015-06-01T08:00:00Z"))
    reason = next(r for r in image.reasons if r.code == "embedded_caption_mismatch")
    assert "C2PA" in reason.message


def test_c2pa_ai_created_action_is_ai_generated() -> None:
    image = check(signed(source_type=AI_URI))
    reason = next(r for r in image.reasons if r.code == "ai_generated")
    assert reason.evidence["source"] == "C2PA manifest" and reason.severity == "high"


def test_c2pa_gps_assertion_is_a_place_claim() -> None:
    exif = {"label": "stds.exif", "data": {"@context": {"exif": "http://ns.adobe.com/exif/1.0/"},
                                           "exif:GPSLatitude": "38,53.4N", "exif:GPSLongitude": "77,0.6W"}}
    image = check(signed(extra=[exif]))
    assert image.embedded.content_credentials.gps == {"lat": 38.89, "lon": -77.01}
    reason = next(r for r in image.reasons if r.code == "embedded_caption_mismatch")
    assert "C2PA" in reason.message and "Washington" in reason.message
