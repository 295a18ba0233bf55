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

    ui = ClosedUi(browser, page)
    badges = ui.find("badge")
    assert len(badges) == summary["placed"]
    lead = next(b for b in badges if b.attrs.get("data-position") == "0")
    assert lead.attrs["data-verdict"] == "inconsistent"
    assert "inconsistent" in lead.text

    # the badge sits on the lead image
    lead_box = ui.box(lead)
    image_box = page.locator("img.img-responsive").bounding_box()
    assert image_box
    assert image_box["x"] <= lead_box["x"] <= image_box["x"] + image_box["width"]
    assert image_box["y"] <= lead_box["y"] <= image_box["y"] + image_box["height"]

    # its popover lists the reasons and the matched original
    page.mouse.click(lead_box["x"] + 5, lead_box["y"] + 5)
    popover = next(p for p in ui.find("popover") if p.attrs.get("data-position") == "0")
    assert "hidden" not in popover.attrs
    assert "Verdict: inconsistent" in popover.text
    assert "Matched original" in popover.text and "2019" in popover.text
    assert popover.html.count("<li>") >= 2
    assert outside == []


def test_page_scripts_cannot_read_or_forge_the_verdicts(browser, page_server: str, api_server: str) -> None:  # type: ignore[no-untyped-def]
    """A hostile page: a decoy element with the UI's old id, and scripts that look for the badges."""
    worker = service_worker(browser)
    worker.evaluate("async (url) => await chrome.storage.local.set({backendUrl: url})", api_server)
    page = browser.new_page()
    page.goto(page_server + SEED)
    page.evaluate("""() => {
        const decoy = document.createElement('div');
        decoy.id = 'captioncheck-root';
        decoy.attachShadow({mode: 'open'});
        document.body.appendChild(decoy);
    }""")
    tab_id = worker.evaluate("async (url) => (await chrome.tabs.query({url}))[0].id", page_server + SEED)
    summary = worker.evaluate("async (tabId) => await self.captioncheck.checkTab(tabId)", tab_id)
    assert summary["ok"] and summary["placed"] >= 3, summary  # the decoy does not stop the badges
    seen_by_page = page.evaluate("""() => {
        const found = [];
        const walk = (root) => root.querySelectorAll('*').forEach((el) => {
            if (el.dataset && el.dataset.verdict) found.push(el.dataset.verdict);
            if (el.shadowRoot) walk(el.shadowRoot);
        });
        walk(document);
        return {found, text: document.documentElement.innerText.includes('Matched original'),
                decoyEmpty: document.getElementById('captioncheck-root').shadowRoot.childElementCount === 0};
    }""")
    assert seen_by_page == {"found": [], "text": False, "decoyEmpty": True}
    ui = ClosedUi(browser, page)
    assert len(ui.find("badge")) == summary["placed"]  # drawn, in a closed root the page cannot open


class Node:
    def __init__(self, node: dict, session) -> None:  # type: ignore[no-untyped-def]
        self.node = node
        attrs = node.get("attributes", [])
        self.attrs = dict(zip(attrs[::2], attrs[1::2]))
        self.html = session.send("DOM.getOuterHTML", {"backendNodeId": node["backendNodeId"]})["outerHTML"]
        self.text = " ".join(self.html.replace(">", "> ").split())


class ClosedUi:
    """The extension's UI read through the DevTools protocol, which sees closed shadow roots (the page cannot)."""

    def __init__(self, browser, page) -> None:  # type: ignore[no-untyped-def]
        self.session = browser.new_cdp_session(page)
        self.session.send("DOM.enable")

    def _closed_roots(self, node: dict) -> list[dict]:
        roots = [r for r in node.get("shadowRoots", []) if r.get("shadowRootType") == "closed"]
        for child in node.get("children", []) + node.get("shadowRoots", []):
            roots += self._closed_roots(child)
        return roots

    def find(self, class_name: str) -> list[Node]:
        found: list[Node] = []

        def walk(node: dict) -> None:
            attrs = node.get("attributes", [])
            if class_name in dict(zip(attrs[::2], attrs[1::2])).get("class", "").split():
                found.append(Node(node, self.session))
            for child in node.get("children", []):
                walk(child)

        document = self.session.send("DOM.getDocument", {"depth": -1, "pierce": True})["root"]  # as it is now
        for root in self._closed_roots(document):
            walk(root)
        return found

    def box(self, node: Node) -> dict:
        quad = self.session.send("DOM.getBoxModel", {"backendNodeId": node.node["backendNodeId"]})["model"]["border"]
        return {"x": min(quad[0::2]), "y": min(quad[1::2])}
