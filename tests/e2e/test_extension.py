"""The extension end to end in real headless Chromium (Debian `chromium`, driven by Playwright).

The unpacked extension is loaded, its options page is used to point it at a test API server, the
seed page is opened from a loopback server, a check is started the way the toolbar button starts
it, and the badges drawn in the page are inspected. A toolbar button cannot be clicked in a
headless browser, so the test calls the same `checkTab` the click handler calls (exposed by the
service worker); the extension's host permission for 127.0.0.1 (its default backend) stands in
for the activeTab grant that a click gives.

Nothing leaves the machine: every non-loopback request is sent to a dead proxy and name
resolution is disabled except for loopback.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.chromium,
    pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Debian chromium at /usr/bin/chromium"),
]
sync_api = pytest.importorskip("playwright.sync_api")

ROOT = Path(__file__).resolve().parents[2]
EXTENSION = ROOT / "extension"
SEED = "/presstv-fr-2019-12-11.html"
OFFLINE_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--no-default-browser-check", "--disable-default-apps",
    "--disable-domain-reliability", "--disable-client-side-phishing-detection", "--metrics-recording-only",
    "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=127.0.0.1;localhost",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]


@pytest.fixture
def browser(tmp_path: Path):  # type: ignore[no-untyped-def]
    extension = tmp_path / "extension"
    shutil.copytree(EXTENSION, extension)  # Chromium may write into an unpacked extension's folder
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path="/usr/bin/chromium", headless=True,
            args=[*OFFLINE_ARGS, f"--disable-extensions-except={extension}", f"--load-extension={extension}"],
        )
        try:
            yield context
        finally:
            context.close()


def service_worker(context):  # type: ignore[no-untyped-def]
    workers = context.service_workers
    return workers[0] if workers else context.wait_for_event("serviceworker", timeout=30_000)


def test_extension_badges_the_seed_page(browser, page_server: str, api_server: str) -> None:  # type: ignore[no-untyped-def]
    outside: list[str] = []
    browser.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
        ("http://127.0.0.1", "chrome-extension://", "data:")) else (outside.append(route.request.url), route.abort()))
    worker = service_worker(browser)
    extension_id = worker.url.split("/")[2]

    # the options page, as a user would use it
    options = browser.new_page()
    options.goto(f"chrome-extension://{extension_id}/options.html")
    options.fill("#backendUrl", api_server)
    options.click("button[type=submit]")
    sync_api.expect(options.locator("#status")).to_contain_text("Saved")
    options.close()

    page = browser.new_page()
    page.goto(page_server + SEED)
    tab_id = worker.evaluate("async (url) => (await chrome.tabs.query({url}))[0].id", page_server + SEED)
    summary = worker.evaluate("async (tabId) => await self.captioncheck.checkTab(tabId)", tab_id)
    assert summary["ok"], summary
    assert summary["placed"] == len(summary["verdicts"]) >= 3

    badges = page.locator("#captioncheck-root .badge")
    sync_api.expect(badges).to_have_count(summary["placed"])
    lead = page.locator('#captioncheck-root .badge[data-position="0"]')
    assert lead.get_attribute("data-verdict") == "inconsistent"
    assert "inconsistent" in lead.inner_text()

    # the badge sits on the lead image
    lead_box = lead.bounding_box()
    image_box = page.locator("img.img-responsive").bounding_box()
    assert lead_box and image_box
    assert image_box["x"] <= lead_box["x"] <= image_box["x"] + image_box["width"]
    assert image_box["y"] <= lead_box["y"] <= image_box["y"] + image_box["height"]

    # its popover lists the reasons and the matched original
    lead.click()
    popover = page.locator('#captioncheck-root .popover[data-position="0"]')
    sync_api.expect(popover).to_be_visible()
    text = popover.inner_text()
    assert "Verdict: inconsistent" in text
    assert "Matched original" in text and "2019" in text
    assert popover.locator(".reasons li").count() >= 2
    assert outside == []
