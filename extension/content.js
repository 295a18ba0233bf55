// captioncheck content script: collects the page (HTML, URL, readable image bytes), hands it to the
// service worker for the backend, then draws one badge per checked image with a popover of reasons.
// Page-derived text is only ever set with textContent (never as HTML).
// The UI lives in a *closed* shadow root whose host and root are held only in this closure: the
// page's scripts cannot read the verdicts and matched captions, rewrite a badge, or decoy us with an
// element of a known id (we never look anything of ours up in the page's DOM).
(() => {
  "use strict";
  if (window.__captioncheckLoaded) return;
  window.__captioncheckLoaded = true;

  const MAX_IMAGES = 40;               // the server refuses more per request
  const MAX_IMAGE_BYTES = 15000000;
  const MAX_TOTAL_BYTES = 40000000;
  const MIN_SIDE = 48;                 // icons and tracking pixels are not worth sending
  const VERDICTS = {
    consistent: { color: "#1e8e3e", mark: "\u2713", label: "consistent (corroborated)" },
    no_findings: { color: "#5f6368", mark: "\u2013", label: "no findings" },
    suspicious: { color: "#e37400", mark: "!", label: "suspicious" },
    inconsistent: { color: "#d93025", mark: "\u2715", label: "inconsistent" },
    unknown: { color: "#80868b", mark: "?", label: "unknown" },
  };
  const STYLE = `
    :host { all: initial; }
    .badge { position: absolute; z-index: 2147483646; min-width: 28px; height: 28px; padding: 0 8px;
      border: 2px solid #fff; border-radius: 14px; color: #fff; font: bold 13px/24px sans-serif;
      cursor: pointer; box-shadow: 0 1px 4px rgba(0,0,0,.4); }
    .popover { position: absolute; z-index: 2147483647; width: 340px; max-height: 420px; overflow: auto;
      background: #fff; color: #202124; border-radius: 8px; padding: 12px; box-shadow: 0 4px 16px rgba(0,0,0,.35);
      font: 13px/1.4 sans-serif; }
    .popover[hidden] { display: none; }
    .popover h3 { margin: 0 0 6px; font-size: 15px; }
    .popover h4 { margin: 10px 0 4px; font-size: 13px; }
    .popover ul { margin: 0; padding-left: 18px; }
    .popover .sev { font-weight: bold; text-transform: uppercase; font-size: 11px; margin-right: 4px; }
    .toast { position: fixed; z-index: 2147483647; right: 16px; bottom: 16px; max-width: 420px; padding: 10px 14px;
      background: #202124; color: #fff; border-radius: 6px; font: 13px/1.4 sans-serif; }`;

  chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
    if (!message || message.type !== "captioncheck:start") return false;
    run().then(sendResponse, (error) => {
      const text = String(error && error.message ? error.message : error);
      toast(`captioncheck: ${text}`);
      sendResponse({ ok: false, error: text });
    });
    return true;
  });

  async function run() {
    removeRoot(); // our own elements must not be part of the page we send
    const html = document.documentElement.outerHTML;
    toast("captioncheck: checking the images on this page\u2026");
    const payload = { url: location.href, html, images: await collectImages() };
    const answer = await chrome.runtime.sendMessage({ type: "captioncheck:check", payload });
    if (!answer || !answer.ok) throw new Error((answer && answer.error) || "no answer from the extension");
    const report = answer.report;
    const placed = render(report);
    const missing = report.images.length - placed;
    toast(`captioncheck: ${report.images.length} image(s) checked` +
          (missing > 0 ? `, ${missing} could not be located on the page` : ""));
    return { ok: true, placed, verdicts: report.images.map((image) => image.verdict) };
  }

  // ---------------------------------------------------------------- collecting

  function candidateImages() {
    const seen = new Set();
    const found = [];
    for (const img of document.images) {
      const url = img.currentSrc || img.src;
      if (!url || seen.has(url)) continue;
      const loaded = img.complete && img.naturalWidth > 0;
      if (loaded && img.naturalWidth < MIN_SIDE && img.naturalHeight < MIN_SIDE) continue;
      seen.add(url);
      found.push({ img, url });
    }
    return found.slice(0, MAX_IMAGES);
  }

  async function collectImages() {
    const images = [];
    let total = 0;
    for (const { img, url } of candidateImages()) {
      let data = null;
      if (total < MAX_TOTAL_BYTES) data = (await viaFetch(url)) || viaCanvas(img);
      if (data) total += data.length;
      images.push(data ? { url, data } : { url });
    }
    return images;
  }

  // Same-origin or CORS-readable images: the original bytes (metadata and hashes intact).
  async function viaFetch(url) {
    try {
      const response = await fetch(url, { credentials: "same-origin", mode: "cors" });
      if (!response.ok) return null;
      const blob = await response.blob();
      if (blob.size === 0 || blob.size > MAX_IMAGE_BYTES) return null;
      return await blobToBase64(blob);
    } catch (error) {
      return null; // cross-origin without CORS: the server fetches it instead
    }
  }

  // Images drawn untainted (crossorigin + CORS): re-encoded pixels; a tainted canvas throws.
  function viaCanvas(img) {
    try {
      if (!img.complete || !img.naturalWidth) return null;
      const canvas = document.createElement("canvas");
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      canvas.getContext("2d").drawImage(img, 0, 0);
      return canvas.toDataURL("image/png").split(",", 2)[1] || null;
    } catch (error) {
      return null;
    }
  }

  function blobToBase64(blob) {
    return new Promise((resolve) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result).split(",", 2)[1] || null);
      reader.onerror = () => resolve(null);
      reader.readAsDataURL(blob);
    });
  }

  // ---------------------------------------------------------------- drawing

  let uiHost = null;    // our host element: never looked up by id or selector
  let uiShadow = null;  // its closed shadow root: reachable only through this variable

  function removeRoot() {
    if (uiHost) uiHost.remove();
    uiHost = null;
    uiShadow = null;
  }

  function root() {
    if (!uiHost || !uiHost.isConnected) {  // the page may have removed it: draw a new one
      uiHost = document.createElement("div");  // a built-in element: no page-defined custom element runs
      uiShadow = uiHost.attachShadow({ mode: "closed" });
      const style = document.createElement("style");
      style.textContent = STYLE;
      uiShadow.appendChild(style);
      document.documentElement.appendChild(uiHost);
    }
    return uiShadow;
  }

  function findElement(image) {
    if (image.selector) {
      try {
        const el = document.querySelector(image.selector);
        if (el) return el;
      } catch (error) { /* a selector this browser does not accept: fall back to the URL */ }
    }
    const urls = new Set([image.url, ...(image.urls || [])]);
    for (const img of document.images) {
      if (urls.has(img.currentSrc) || urls.has(img.src)) return img;
    }
    return null;
  }

  function render(report) {
    const shadow = root();
    const placed = [];
    for (const image of report.images) {
      const target = findElement(image);
      if (!target) continue;
      const verdict = VERDICTS[image.verdict] ? image.verdict : "unknown";
      const badge = document.createElement("button");
      badge.className = "badge";
      badge.dataset.verdict = verdict;
      badge.dataset.position = String(image.position);
      badge.style.background = VERDICTS[verdict].color;
      badge.textContent = `${VERDICTS[verdict].mark} ${VERDICTS[verdict].label}`;
      badge.setAttribute("aria-label", `captioncheck: ${VERDICTS[verdict].label}; show reasons`);
      const popover = buildPopover(image, verdict);
      badge.addEventListener("click", (event) => {
        event.preventDefault();
        event.stopPropagation();
        popover.hidden = !popover.hidden;
        place(target, badge, popover);
      });
      shadow.append(badge, popover);
      placed.push([target, badge, popover]);
    }
    const reposition = () => placed.forEach(([target, badge, popover]) => place(target, badge, popover));
    reposition();
    window.addEventListener("resize", reposition);
    window.addEventListener("load", reposition);
    return placed.length;
  }

  function place(target, badge, popover) {
    const rect = target.getBoundingClientRect();
    const top = rect.top + window.scrollY + 6;
    const left = rect.left + window.scrollX + 6;
    badge.style.top = `${top}px`;
    badge.style.left = `${left}px`;
    popover.style.top = `${top + 34}px`;
    popover.style.left = `${left}px`;
  }

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function buildPopover(image, verdict) {
    const box = el("div", undefined, "popover");
    box.hidden = true;
    box.dataset.position = String(image.position);
    box.append(el("h3", `Verdict: ${VERDICTS[verdict].label}`));
    if (image.caption) box.append(el("p", `Caption on this page: ${image.caption}`));
    if (image.credit) box.append(el("p", `Credit: ${image.credit}`));
    box.append(el("h4", "Reasons"));
    const reasons = el("ul", undefined, "reasons");
    for (const reason of image.reasons || []) {
      const item = el("li");
      item.append(el("span", reason.severity, "sev"), document.createTextNode(reason.message));
      reasons.append(item);
    }
    if (!reasons.children.length) reasons.append(el("li", "No findings."));
    box.append(reasons);
    const matches = (image.matches || []).slice(0, 3);
    if (matches.length) box.append(el("h4", "Matched original"));
    for (const match of matches) box.append(matchBlock(match));
    if ((image.signals_unavailable || []).length) {
      box.append(el("p", `Not available: ${image.signals_unavailable.join(", ")}`));
    }
    return box;
  }

  function matchBlock(match) {
    const block = el("div", undefined, "match");
    const lines = [
      ["Caption", match.caption], ["Credit", match.credit || match.creator], ["Date", match.date],
      ["Place", match.place], ["Similarity", `${Math.round((match.score || 0) * 100)}%`],
    ];
    for (const [name, value] of lines) if (value) block.append(el("div", `${name}: ${value}`));
    if (/^https?:\/\//i.test(match.source_url || "")) {
      const link = el("a", match.source_url);
      link.href = match.source_url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      block.append(link);
    }
    return block;
  }

  let toastTimer = null;
  function toast(text) {
    const shadow = root();
    let node = shadow.querySelector(".toast");
    if (!node) {
      node = el("div", undefined, "toast");
      node.setAttribute("role", "status");
      shadow.append(node);
    }
    node.textContent = text;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => node.remove(), 8000);
  }
})();
