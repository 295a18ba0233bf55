"""Safe fetching of pages and images for the HTTP API: an SSRF guard plus size, time and pixel caps.

Rules, applied to the first request and to every redirect (redirects are followed here, by hand):
  * only http/https, no `user:password@`; IPv4 spellings such as `2130706433`, `0177.0.0.1` or
    `0x7f.1` are normalised to dotted quads before anything else looks at the host;
  * the host is resolved once per connection and EVERY address is checked: loopback, private,
    link-local (cloud metadata 169.254.169.254), CGNAT 100.64/10, multicast, reserved,
    unspecified, documentation and benchmark ranges are refused, for IPv4 and IPv6, and the IPv4
    address embedded in IPv4-mapped/compatible, NAT64, 6to4 and Teredo IPv6 addresses is checked too;
  * the connection is made to the address that was checked (`_GuardedBackend.connect_tcp`), with
    the original Host header and TLS server name: there is no DNS-rebinding window;
  * bodies are streamed and abandoned past `max_page_bytes` / `max_image_bytes` or the deadline;
  * the type is sniffed from magic bytes, never taken from Content-Type; image pixels are read
    from the header and refused above `max_image_pixels` before anything is decoded.

`FetchLimits.allow` (env CAPTIONCHECK_FETCH_ALLOW="127.0.0.1/32,...") lets chosen networks through;
it exists so tests and benchmarks can reach their own loopback servers. With
`allow_public=False` (CAPTIONCHECK_FETCH_PUBLIC=0) only allow-listed addresses are fetched and
host names other than `localhost` are not even looked up.
"""

from __future__ import annotations

import contextvars
import ipaddress
import os
import socket
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpcore
import httpx

from captioncheck._exceptions import FetchRefused, InputError
from captioncheck._sniff import starts_as_document

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], list[str]]

# Ranges refused on top of what `ipaddress` calls non-global (named for the error message).
_DENY: tuple[tuple[str, str], ...] = (
    ("169.254.169.254/32", "cloud metadata"),
    ("fd00:ec2::254/128", "cloud metadata"),
    ("0.0.0.0/8", "unspecified"),
    ("100.64.0.0/10", "carrier-grade NAT"),
    ("192.0.0.0/24", "IETF protocol assignments"),
    ("198.18.0.0/15", "benchmarking"),
    ("224.0.0.0/4", "multicast"),
    ("240.0.0.0/4", "reserved"),
    ("::/96", "IPv4-compatible IPv6"),
    ("fec0::/10", "site-local"),
    ("100::/64", "discard-only"),
    ("2001::/23", "IETF protocol assignments"),
    ("2001:db8::/32", "documentation"),
)
_DENY_NETS: tuple[tuple[IPNetwork, str], ...] = tuple((ipaddress.ip_network(n), why) for n, why in _DENY)
NOT_ALLOWED = "not allow-listed (public fetching is disabled)"
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))

ImageMime = Literal["image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp", "image/tiff", "image/avif", "image/heic"]


@dataclass(frozen=True)
class FetchLimits:
    """Caps for one fetcher; `from_env()` reads the CAPTIONCHECK_FETCH_* / CAPTIONCHECK_MAX_* variables."""

    timeout_s: float = 10.0  # connect/read timeout of one operation
    total_timeout_s: float = 20.0  # whole fetch of one resource, redirects included
    max_redirects: int = 5
    max_page_bytes: int = 5_000_000
    max_image_bytes: int = 15_000_000
    max_image_pixels: int = 40_000_000
    max_images: int = 40  # images fetched or accepted per page
    allow: tuple[IPNetwork, ...] = ()
    allow_public: bool = True
    user_agent: str = "captioncheck/0.1 (+https://github.com/captioncheck)"

    @classmethod
    def from_env(cls, **overrides: Any) -> FetchLimits:
        env = os.environ
        values: dict[str, Any] = {}
        for key, name, conv in _ENV_FIELDS:
            if env.get(key):
                try:
                    values[name] = conv(env[key])
                except ValueError as exc:
                    raise InputError(f"{key}={env[key]!r} is not valid ({exc}); fix or unset it") from exc
        values.update(overrides)
        return cls(**values)


def parse_networks(text: str) -> tuple[IPNetwork, ...]:
    """"127.0.0.1/32, ::1" -> networks; raises ValueError on a bad entry."""
    return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip())


def _parse_bool(text: str) -> bool:
    if text.strip().lower() in {"1", "true", "yes", "on"}:
        return True
    if text.strip().lower() in {"0", "false", "no", "off"}:
        return False
    raise ValueError("expected 1/0, true/false, yes/no or on/off")


_ENV_FIELDS: tuple[tuple[str, str, Callable[[str], Any]], ...] = (
    ("CAPTIONCHECK_FETCH_ALLOW", "allow", parse_networks),
    ("CAPTIONCHECK_FETCH_PUBLIC", "allow_public", _parse_bool),
    ("CAPTIONCHECK_FETCH_TIMEOUT", "timeout_s", float),
    ("CAPTIONCHECK_MAX_PAGE_BYTES", "max_page_bytes", int),
    ("CAPTIONCHECK_MAX_IMAGE_BYTES", "max_image_bytes", int),
    ("CAPTIONCHECK_MAX_IMAGE_PIXELS", "max_image_pixels", int),
    ("CAPTIONCHECK_MAX_IMAGES", "max_images", int),
)


# --------------------------------------------------------------------------- addresses


def parse_ipv4_loose(host: str) -> ipaddress.IPv4Address | None:
    """The WHATWG IPv4 parser: `2130706433`, `0177.0.0.1`, `0x7f.1`, `127.1` -> 127.0.0.1; else None."""
    parts = host.split(".")
    if parts and parts[-1] == "" and len(parts) > 1:
        parts.pop()
    if not 1 <= len(parts) <= 4 or not parts[-1]:
        return None
    numbers: list[int] = []
    for part in parts:
        try:
            if part[:2].lower() == "0x":
                numbers.append(int(part[2:] or "0", 16))
            elif len(part) > 1 and part.startswith("0"):
                numbers.append(int(part[1:], 8))
            else:
                numbers.append(int(part, 10))
        except ValueError:
            return None
    if any(n > 255 for n in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(numbers)):
        return None
    value = numbers[-1]
    for i, n in enumerate(numbers[:-1]):
        value += n << (8 * (3 - i))
    return ipaddress.IPv4Address(value)


def literal_ip(host: str) -> IPAddress | None:
    """The address a host names literally (brackets, zone ids and odd IPv4 spellings handled)."""
    bare = host.strip("[]").split("%", 1)[0]
    try:
        return ipaddress.ip_address(bare)
    except ValueError:
        return parse_ipv4_loose(bare) if all(c in "0123456789abcdefxABCDEFX." for c in bare) else None


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if any(ip in net for net in _NAT64):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def address_problem(ip: IPAddress, limits: FetchLimits) -> str | None:
    """Why `ip` must not be fetched ("loopback", "private", ...), or None when it may be."""
    if any(ip.version == net.version and ip in net for net in limits.allow):
        return None
    if not limits.allow_public:
        return NOT_ALLOWED
    if ip.is_unspecified or ip.is_loopback:
        return "unspecified" if ip.is_unspecified else "loopback"
    for net, why in _DENY_NETS:
        if ip.version == net.version and ip in net:
            return why
    if isinstance(ip, ipaddress.IPv6Address) and (inner := _embedded_ipv4(ip)) is not None:
        inner_problem = address_problem(inner, limits)
        return f"{inner_problem} (IPv4 {inner} embedded in IPv6)" if inner_problem else None
    for attr, why in (("is_link_local", "link-local"),
                      ("is_multicast", "multicast"), ("is_reserved", "reserved"), ("is_private", "private")):
        if getattr(ip, attr):
            return why
    return None if ip.is_global else "not globally routable"


def system_resolve(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for host (IPv4 and IPv6), in its order."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchRefused(f"cannot resolve host {host!r} ({exc}); check the URL", code="upstream_error") from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class AddressGuard:
    """Resolves a host once and returns only addresses that passed the checks (all must pass)."""

    def __init__(self, limits: FetchLimits, resolver: Resolver | None = None) -> None:
        self.limits = limits
        self._resolver = resolver

    def checked_addresses(self, host: str, port: int) -> list[str]:
        ip = literal_ip(host)
        if ip is not None:
            addresses = [str(ip)]
        elif self._resolver is None and not self.limits.allow_public and not _is_localhost(host):
            raise FetchRefused(f"refusing {host}: only allow-listed addresses may be fetched here", code="forbidden_address")
        else:
            addresses = (self._resolver or system_resolve)(host, port)
        if not addresses:
            raise FetchRefused(f"host {host!r} has no address; check the URL", code="upstream_error")
        for text in addresses:
            problem = address_problem(ipaddress.ip_address(text.split("%", 1)[0]), self.limits)
            if problem:
                where = f"{text} is" if ip is not None else f"it resolves to {text}, which is"
                what = problem if problem == NOT_ALLOWED else f"a {problem} address; only public web addresses are fetched"
                raise FetchRefused(f"refusing {host}: {where} {what}", code="forbidden_address")
        return addresses


def _is_localhost(host: str) -> bool:
    host = host.lower().rstrip(".")
    return host == "localhost" or host.endswith(".localhost")


# The deadline of the fetch running on this thread/context: every socket read and write is bounded by
# it, so a peer that trickles headers or body one byte at a time cannot outlive the fetch's total time.
_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("captioncheck_fetch_deadline", default=None)


def _bounded(timeout: float | None) -> float | None:
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise httpcore.ReadTimeout("the fetch's total time is spent")
    return remaining if timeout is None else min(timeout, remaining)


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every read/write waits at most until the current fetch's deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _bounded(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _bounded(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, _bounded(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _GuardedBackend(httpcore.SyncBackend):
    """Network backend that connects only to addresses the guard checked, resolving exactly once."""

    def __init__(self, guard: AddressGuard) -> None:
        self._guard = guard

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None, socket_options: Any = None) -> httpcore.NetworkStream:
        last: Exception | None = None
        for address in self._guard.checked_addresses(host, port):
            try:
                stream = super().connect_tcp(address, port, _bounded(timeout), local_address, socket_options)
                return _DeadlineStream(stream)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        raise last if last else httpcore.ConnectError(f"cannot connect to {host}")


class _GuardedTransport(httpx.HTTPTransport):
    def __init__(self, guard: AddressGuard) -> None:
        super().__init__(trust_env=False)
        self._pool = httpcore.ConnectionPool(ssl_context=httpx.create_ssl_context(trust_env=False),
                                             max_connections=20, network_backend=_GuardedBackend(guard))


# --------------------------------------------------------------------------- URLs and types


def normalise_url(url: str) -> str:
    """Check scheme/host syntax and rewrite odd IPv4 spellings; raises FetchRefused(bad_url)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise FetchRefused(f"not a valid URL: {url[:200]!r} ({exc})", code="bad_url") from exc
    if parts.scheme.lower() not in {"http", "https"}:
        raise FetchRefused(f"only http and https URLs are fetched, not {parts.scheme or 'a relative URL'!r}", code="bad_url")
    if parts.username or parts.password:
        raise FetchRefused("URLs with user:password@ are not fetched; remove the credentials", code="bad_url")
    host = _idna_host(parts.hostname or "", url)
    if not host:
        raise FetchRefused(f"URL has no host: {url[:200]!r}", code="bad_url")
    ip = literal_ip(host)
    host_text = (f"[{ip}]" if ip.version == 6 else str(ip)) if ip else host
    netloc = host_text + (f":{port}" if port is not None else "")
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, ""))


def _idna_host(host: str, url: str) -> str:
    """The host as a browser would look it up (UTS #46 mapping: `①②⑦.0.0.1` is 127.0.0.1); raises bad_url."""
    if host.isascii() or literal_ip(host) is not None:
        return host
    import idna

    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError, ValueError) as exc:
        raise FetchRefused(f"URL host is not a valid international domain name: {url[:200]!r} ({exc})",
                           code="bad_url") from exc


def sniff_image(data: bytes) -> ImageMime | None:
    """The image type from magic bytes (not from any header), or None."""
    head = data[:16]
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:2] == b"BM":
        return "image/bmp"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "image/tiff"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"avif", b"avis"):
            return "image/avif"
        if brand in (b"heic", b"heix", b"mif1", b"msf1", b"heim", b"heis"):
            return "image/heic"
    return None


def looks_like_html(data: bytes) -> bool:
    """True for markup/text pages; False for images, PDFs, archives and other binary bodies."""
    head = data[:1024]
    if sniff_image(head) or head.startswith((b"%PDF", b"PK\x03\x04", b"\x1f\x8b")):
        return False
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):  # UTF-16: NUL in every other byte
        if head.startswith(bom):
            return starts_as_document(head[2:].decode(codec, errors="replace"))
    if starts_as_document(head.removeprefix(b"\xef\xbb\xbf").decode("latin-1")):  # whatever control bytes follow
        return True
    if b"\x00" in head:
        return False
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    return text.startswith(b"<") or b"<html" in head.lower() or b"<body" in head.lower()


@dataclass(frozen=True)
class ImageInfo:
    mime: str
    width: int
    height: int


def check_image(data: bytes, limits: FetchLimits, what: str = "image") -> ImageInfo:
    """Sniff the type and read the size from the header; refuse non-images and pixel bombs."""
    from PIL import Image, UnidentifiedImageError

    mime = sniff_image(data)
    if mime is None:
        raise FetchRefused(f"{what} is not a JPEG/PNG/GIF/WebP/BMP/TIFF/AVIF/HEIC image", code="not_image")
    if Image.MAX_IMAGE_PIXELS is None:  # someone switched Pillow's bomb guard off: switch it back on
        Image.MAX_IMAGE_PIXELS = int(1024 * 1024 * 1024 // 4 // 3)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data)) as img:  # reads the header only
                width, height = img.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise FetchRefused(f"{what} has too many pixels ({exc})", code="too_many_pixels") from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise FetchRefused(f"{what} could not be read as {mime} ({exc})", code="not_image") from exc
    if width * height > limits.max_image_pixels:
        raise FetchRefused(f"{what} is {width}x{height} pixels, over the limit of {limits.max_image_pixels:,}",
                           code="too_many_pixels")
    return ImageInfo(mime=mime, width=width, height=height)


# --------------------------------------------------------------------------- fetching


@dataclass
class Fetched:
    url: str  # final URL after redirects
    data: bytes
    mime: str  # sniffed


class SafeFetcher:
    """Sync fetcher with the guard above; `fetch_image(url) -> bytes` is the pipeline's fetch hook."""

    def __init__(self, limits: FetchLimits | None = None, resolver: Resolver | None = None) -> None:
        self.limits = limits or FetchLimits.from_env()
        self.guard = AddressGuard(self.limits, resolver)
        self._client = httpx.Client(transport=_GuardedTransport(self.guard), follow_redirects=False, trust_env=False,
                                    headers={"User-Agent": self.limits.user_agent}, timeout=self.limits.timeout_s)

    def __enter__(self) -> SafeFetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def fetch_page(self, url: str, deadline: float | None = None) -> Fetched:
        fetched = self._fetch(url, self.limits.max_page_bytes, "page", deadline)
        if not looks_like_html(fetched.data):
            raise FetchRefused(f"{fetched.url} is not an HTML page (sniffed from its bytes)", code="not_html")
        fetched.mime = "text/html"
        return fetched

    def fetch_image(self, url: str, deadline: float | None = None) -> bytes:
        fetched = self._fetch(url, self.limits.max_image_bytes, "image", deadline)
        check_image(fetched.data, self.limits, what=f"image {fetched.url}")
        return fetched.data

    def _fetch(self, url: str, max_bytes: int, what: str, deadline: float | None) -> Fetched:
        own = time.monotonic() + self.limits.total_timeout_s
        deadline = min(own, deadline) if deadline else own
        current = normalise_url(url)
        token = _DEADLINE.set(deadline)
        try:
            for _ in range(self.limits.max_redirects + 1):
                location, data = self._one_request(current, max_bytes, what, deadline)
                if location is None:
                    return Fetched(url=current, data=data, mime="")
                try:
                    target = urljoin(current, location)
                except ValueError as exc:  # a Location urljoin refuses (a broken IPv6 host)
                    raise FetchRefused(f"{current[:200]} redirects to an invalid URL: {location[:200]!r}", code="bad_url") from exc
                current = normalise_url(target)
        finally:
            _DEADLINE.reset(token)
        raise FetchRefused(f"{url[:200]} redirects more than {self.limits.max_redirects} times", code="too_many_redirects")

    def _one_request(self, url: str, max_bytes: int, what: str, deadline: float) -> tuple[str | None, bytes]:
        """One GET: (redirect location, b"") or (None, body). Network failures become FetchRefused."""
        timeout = httpx.Timeout(max(0.05, min(self.limits.timeout_s, deadline - time.monotonic())))
        try:
            with self._client.stream("GET", url, timeout=timeout) as response:
                if response.is_redirect and "location" in response.headers:
                    return response.headers["location"], b""
                if response.status_code >= 400:
                    raise FetchRefused(f"{url[:200]} answered HTTP {response.status_code}", code="upstream_error")
                return None, _read_capped(response, max_bytes, what, url, deadline)
        except httpx.TimeoutException as exc:
            raise FetchRefused(f"{url[:200]} took too long to answer", code="fetch_timeout") from exc
        except (httpx.InvalidURL, httpx.UnsupportedProtocol, UnicodeError) as exc:  # IDNAError is a UnicodeError
            raise FetchRefused(f"not a valid URL: {url[:200]!r} ({exc})", code="bad_url") from exc
        except httpx.HTTPError as exc:
            raise FetchRefused(f"could not fetch {url[:200]} ({type(exc).__name__}: {exc})", code="upstream_error") from exc


def _read_capped(response: httpx.Response, max_bytes: int, what: str, url: str, deadline: float) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchRefused(f"{what} {url[:200]} is {int(declared):,} bytes, over the limit of {max_bytes:,}", code="too_large")
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():  # each network read as it comes: the deadline is checked after every one
        size += len(chunk)
        if size > max_bytes:
            raise FetchRefused(f"{what} {url[:200]} is over the limit of {max_bytes:,} bytes", code="too_large")
        if time.monotonic() > deadline:
            raise FetchRefused(f"{what} {url[:200]} took too long to download", code="fetch_timeout")
        chunks.append(chunk)
    return b"".join(chunks)


__all__ = [
    "AddressGuard",
    "FetchLimits",
    "Fetched",
    "ImageInfo",
    "SafeFetcher",
    "address_problem",
    "check_image",
    "literal_ip",
    "looks_like_html",
    "normalise_url",
    "parse_ipv4_loose",
    "parse_networks",
    "sniff_image",
    "system_resolve",
]
