"""The safe fetcher against a real loopback server: SSRF refusals, pinning, limits, sniffing."""

from __future__ import annotations

import ipaddress

import pytest

from captioncheck._exceptions import FetchRefused, InputError
from captioncheck.netfetch import (
    FetchLimits,
    SafeFetcher,
    address_problem,
    literal_ip,
    normalise_url,
    parse_ipv4_loose,
)

from .conftest import PAGE, LoopbackServer, jpeg_bytes, png_header_only

LOOPBACK_ONLY = FetchLimits(allow=(ipaddress.ip_network("127.0.0.1/32"),), allow_public=False, timeout_s=2.0)


def refused(fetcher: SafeFetcher, url: str, *, image: bool = False) -> FetchRefused:
    with pytest.raises(FetchRefused) as info:
        fetcher.fetch_image(url) if image else fetcher.fetch_page(url)
    return info.value


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://127.0.0.1/", "loopback"),
        ("http://[::1]/", "loopback"),
        ("http://10.0.0.1/", "private"),
        ("http://192.168.1.1:8080/", "private"),
        ("http://169.254.169.254/latest/meta-data/", "cloud metadata"),
        ("http://[fd00:ec2::254]/", "cloud metadata"),
        ("http://0.0.0.0/", "unspecified"),
        ("http://[::]/", "unspecified"),
        ("http://2130706433/", "loopback"),  # decimal
        ("http://0177.0.0.1/", "loopback"),  # octal
        ("http://0x7f.1/", "loopback"),  # hex, short form
        ("http://100.64.0.1/", "carrier-grade NAT"),
        ("http://224.0.0.1/", "multicast"),
        ("http://240.0.0.1/", "reserved"),
        ("http://[::ffff:127.0.0.1]/", "loopback (IPv4 127.0.0.1 embedded"),
        ("http://[::ffff:a9fe:a9fe]/", "cloud metadata"),
        ("http://[64:ff9b::a00:1]/", "private (IPv4 10.0.0.1 embedded"),
        ("http://[2002:a00:1::]/", "private (IPv4 10.0.0.1 embedded"),
        ("http://[fe80::1]/", "link-local"),
        ("http://localhost/", "loopback"),
    ],
)
def test_private_and_special_addresses_are_refused(url: str, why: str) -> None:
    with SafeFetcher(FetchLimits(timeout_s=1.0)) as fetcher:
        error = refused(fetcher, url)
    assert error.code == "forbidden_address"
    assert why in str(error)


def test_every_resolved_address_is_checked() -> None:
    calls: list[str] = []

    def resolver(host: str, port: int) -> list[str]:
        calls.append(host)
        return ["93.184.216.34", "127.0.0.1"]  # one public, one loopback: refused as a whole

    with SafeFetcher(FetchLimits(), resolver=resolver) as fetcher:
        error = refused(fetcher, "http://rebind.example/")
    assert error.code == "forbidden_address" and "127.0.0.1" in str(error)
    assert calls == ["rebind.example"]


def test_connection_is_pinned_to_the_checked_address_with_the_original_host(server: LoopbackServer) -> None:
    server.add("/page", PAGE)
    answers = iter([["127.0.0.1"], ["10.0.0.1"]])  # a rebinding resolver: second answer would be private
    calls: list[str] = []

    def resolver(host: str, port: int) -> list[str]:
        calls.append(host)
        return next(answers)

    with SafeFetcher(LOOPBACK_ONLY, resolver=resolver) as fetcher:
        fetched = fetcher.fetch_page(f"http://pinned.test:{server.port}/page")
    assert fetched.data == PAGE
    assert calls == ["pinned.test"]  # resolved once, and the connection went to that checked address
    assert server.seen == [("/page", f"pinned.test:{server.port}")]


def test_allow_listed_loopback_server_is_fetched(server: LoopbackServer) -> None:
    url = server.add("/page", PAGE, content_type="application/octet-stream")  # header ignored: sniffed
    with SafeFetcher(LOOPBACK_ONLY) as fetcher:
        fetched = fetcher.fetch_page(url)
    assert fetched.mime == "text/html" and fetched.url == url


def test_allow_list_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAPTIONCHECK_FETCH_ALLOW", "127.0.0.1/32, ::1")
    monkeypatch.setenv("CAPTIONCHECK_FETCH_PUBLIC", "0")
    limits = FetchLimits.from_env()
    assert address_problem(ipaddress.ip_address("127.0.0.1"), limits) is None
    assert address_problem(ipaddress.ip_address("::1"), limits) is None
    assert "not allow-listed" in (address_problem(ipaddress.ip_address("8.8.8.8"), limits) or "")
    monkeypatch.setenv("CAPTIONCHECK_FETCH_ALLOW", "not-a-network")
    with pytest.raises(InputError, match="CAPTIONCHECK_FETCH_ALLOW"):
        FetchLimits.from_env()


def test_public_fetching_disabled_does_not_even_resolve_names() -> None:
    with SafeFetcher(LOOPBACK_ONLY) as fetcher:
        error = refused(fetcher, "http://www.example.com/")
    assert error.code == "forbidden_address" and "only allow-listed" in str(error)


def test_redirect_from_an_allowed_server_to_a_private_address_is_refused(server: LoopbackServer) -> None:
    url = server.redirect("/r1", "/r2")
    server.redirect("/r2", "http://169.254.169.254/latest/meta-data/")
    with SafeFetcher(LOOPBACK_ONLY) as fetcher:
        error = refused(fetcher, url)
    assert error.code == "forbidden_address"
    assert [path for path, _ in server.seen] == ["/r1", "/r2"]


def test_redirect_to_a_decimal_loopback_spelling_is_refused(server: LoopbackServer) -> None:
    url = server.redirect("/r", f"http://2130706434:{server.port}/")  # 127.0.0.2, not allow-listed
    with SafeFetcher(FetchLimits(allow=LOOPBACK_ONLY.allow)) as fetcher:
        error = refused(fetcher, url)
    assert error.code == "forbidden_address" and "127.0.0.2" in str(error)


def test_redirects_are_bounded(server: LoopbackServer) -> None:
    url = server.redirect("/loop", "/loop")
    with SafeFetcher(LOOPBACK_ONLY) as fetcher:
        assert refused(fetcher, url).code == "too_many_redirects"
    assert len(server.seen) == LOOPBACK_ONLY.max_redirects + 1


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/x", "gopher://x/", "/relative", "http://u:p@example.com/"])
def test_bad_urls_are_refused(url: str) -> None:
    with SafeFetcher(LOOPBACK_ONLY) as fetcher:
        assert refused(fetcher, url).code == "bad_url"


def test_oversized_page_is_refused_by_declared_length_and_while_streaming(server: LoopbackServer) -> None:
    limits = FetchLimits(allow=LOOPBACK_ONLY.allow, allow_public=False, max_page_bytes=100_000)
    big = b"<html>" + b"x" * 300_000
    declared = server.add("/declared", big)
    streamed = server.add("/streamed", big, chunked=True)
    with SafeFetcher(limits) as fetcher:
        assert refused(fetcher, declared).code == "too_large"
        assert refused(fetcher, streamed).code == "too_large"


def test_oversized_image_is_refused(server: LoopbackServer) -> None:
    limits = FetchLimits(allow=LOOPBACK_ONLY.allow, allow_public=False, max_image_bytes=1000)
    url = server.add("/big.jpg", jpeg_bytes((400, 400)), content_type="image/jpeg", chunked=True)
    with SafeFetcher(limits) as fetcher:
        assert refused(fetcher, url, image=True).code == "too_large"


def test_types_are_sniffed_not_taken_from_headers(server: LoopbackServer) -> None:
    fake_page = server.add("/page.html", jpeg_bytes(), content_type="text/html")
    fake_image = server.add("/img.jpg", PAGE, content_type="image/jpeg")
    real_image = server.add("/real", jpeg_bytes(), content_type="text/plain")
    with SafeFetcher(LOOPBACK_ONLY) as fetcher:
        assert refused(fetcher, fake_page).code == "not_html"
        assert refused(fetcher, fake_image, image=True).code == "not_image"
        assert fetcher.fetch_image(real_image)[:3] == b"\xff\xd8\xff"


def test_pixel_bombs_are_refused_from_the_header(server: LoopbackServer) -> None:
    bomb = png_header_only(50_000, 50_000)
    assert len(bomb) < 200
    bomb_url = server.add("/bomb.png", bomb, content_type="image/png")
    over_our_limit = server.add("/big.png", png_header_only(3000, 3000), content_type="image/png")
    limits = FetchLimits(allow=LOOPBACK_ONLY.allow, allow_public=False, max_image_pixels=5_000_000)
    with SafeFetcher(limits) as fetcher:
        assert refused(fetcher, bomb_url, image=True).code == "too_many_pixels"
        error = refused(fetcher, over_our_limit, image=True)
    assert error.code == "too_many_pixels" and "3000x3000" in str(error)


def test_slow_server_hits_the_time_limit(server: LoopbackServer) -> None:
    url = server.add("/slow", PAGE, delay_s=2.0)
    limits = FetchLimits(allow=LOOPBACK_ONLY.allow, allow_public=False, timeout_s=0.3)
    with SafeFetcher(limits) as fetcher:
        assert refused(fetcher, url).code == "fetch_timeout"


def test_http_errors_are_reported(server: LoopbackServer) -> None:
    with SafeFetcher(LOOPBACK_ONLY) as fetcher:
        error = refused(fetcher, server.url("/missing"))
    assert error.code == "upstream_error" and "404" in str(error)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2130706433", "127.0.0.1"), ("0177.0.0.1", "127.0.0.1"), ("0x7f.0.0.1", "127.0.0.1"), ("127.1", "127.0.0.1"),
     ("10.1", "10.0.0.1"), ("0xA9FEA9FE", "169.254.169.254"), ("1.2.3.4.5", None), ("256.1.1.1", None), ("cafe.bad", None)],
)
def test_ipv4_spellings_are_normalised(text: str, expected: str | None) -> None:
    parsed = parse_ipv4_loose(text)
    assert (str(parsed) if parsed else None) == expected


def test_url_normalisation() -> None:
    assert normalise_url("HTTP://0177.0.0.1:8080/a?b#frag") == "http://127.0.0.1:8080/a?b"
    assert normalise_url("http://[::1]") == "http://[::1]/"
    assert literal_ip("example.com") is None
