// captioncheck service worker: toolbar button and context menu -> inject content.js -> the content
// script collects the page and asks us to POST it to the configured backend (only we hold the
// host permission for it) -> the report goes back to the content script, which draws the badges.
"use strict";

const MENU_ID = "captioncheck-check";
const DEFAULTS = { backendUrl: "http://127.0.0.1:8000", apiKey: "" };
const TIMEOUT_MS = 120000;

chrome.runtime.onInstalled.addListener(() => {
  chrome.contextMenus.create({ id: MENU_ID, title: "Check images on this page", contexts: ["page", "image"] });
});

chrome.action.onClicked.addListener((tab) => { checkTab(tab.id).catch(() => {}); });

chrome.contextMenus.onClicked.addListener((info, tab) => {
  if (info.menuItemId === MENU_ID && tab) checkTab(tab.id).catch(() => {});
});

// Inject the content script (activeTab grants it on click) and start a check; resolves with the
// content script's summary {ok, placed, verdicts} once the badges are drawn.
async function checkTab(tabId) {
  await chrome.scripting.executeScript({ target: { tabId }, files: ["content.js"] });
  return chrome.tabs.sendMessage(tabId, { type: "captioncheck:start" });
}

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  if (!message || message.type !== "captioncheck:check" || !sender.tab) return false;
  postCheck(message.payload).then(
    (report) => sendResponse({ ok: true, report }),
    (error) => sendResponse({ ok: false, error: String(error && error.message ? error.message : error) }),
  );
  return true; // answer asynchronously
});

async function postCheck(payload) {
  const { backendUrl, apiKey } = await chrome.storage.local.get(DEFAULTS);
  const headers = { "Content-Type": "application/json" };
  if (apiKey) headers["X-API-Key"] = apiKey;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  let response;
  try {
    response = await fetch(new URL("/v1/check", backendUrl), {
      method: "POST", headers, body: JSON.stringify(payload), signal: controller.signal, credentials: "omit",
    });
  } catch (error) {
    throw new Error(`cannot reach the captioncheck server at ${backendUrl} (${error.name}); start it with ` +
                    "`captioncheck serve` or fix the address in the extension's options");
  } finally {
    clearTimeout(timer);
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const detail = body && body.error ? `${body.error.message} [${body.error.code}]` : `HTTP ${response.status}`;
    throw new Error(`the server refused the check: ${detail}`);
  }
  return body;
}

// Exposed for the end-to-end test, which cannot click the toolbar of a headless browser.
self.captioncheck = { checkTab };
