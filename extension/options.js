// Options: backend address and API key, kept in chrome.storage.local (not synced: the key is a secret).
"use strict";

const DEFAULTS = { backendUrl: "http://127.0.0.1:8000", apiKey: "" };
const form = document.getElementById("form");
const urlInput = document.getElementById("backendUrl");
const keyInput = document.getElementById("apiKey");
const statusLine = document.getElementById("status");

function say(text) { statusLine.textContent = text; }

function parseBackend(text) {
  let url;
  try { url = new URL(text.trim()); } catch (error) { return null; }
  return url.protocol === "http:" || url.protocol === "https:" ? url : null;
}

// Host permission for the backend's origin only, asked for when the user saves (a user gesture).
async function ensurePermission(url) {
  const origins = [`${url.protocol}//${url.hostname}/*`];
  if (await chrome.permissions.contains({ origins })) return true;
  return chrome.permissions.request({ origins });
}

chrome.storage.local.get(DEFAULTS).then(({ backendUrl, apiKey }) => {
  urlInput.value = backendUrl;
  keyInput.value = apiKey;
});

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const url = parseBackend(urlInput.value);
  if (!url) { say("Give an http:// or https:// address, e.g. http://127.0.0.1:8000"); return; }
  if (!(await ensurePermission(url))) { say("Not saved: the extension needs permission to contact that server."); return; }
  await chrome.storage.local.set({ backendUrl: url.origin, apiKey: keyInput.value.trim() });
  say(`Saved. Checks go to ${url.origin}.`);
});

document.getElementById("test").addEventListener("click", async () => {
  const url = parseBackend(urlInput.value);
  if (!url) { say("Give an http:// or https:// address first."); return; }
  try {
    const response = await fetch(new URL("/v1/info", url.origin));
    const info = await response.json();
    say(response.ok ? `Connected: captioncheck ${info.version}, model ${info.model.loaded ? "loaded" : "not loaded"}, ` +
                      `${info.index.photos ?? "?"} known photos.` : `The server answered HTTP ${response.status}.`);
  } catch (error) {
    say(`Cannot reach ${url.origin}: is \`captioncheck serve\` running?`);
  }
});
