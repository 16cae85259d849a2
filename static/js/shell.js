// What every page does first: language, translations, the current nav link.

import { h } from "./dom.js";
import { initI18n, LANGUAGES } from "./i18n.js";

const INVITE_PREFIX = "hearth.invite.";

/** The site header (brand, navigation, language), the same on every page. */
function renderHeader(header) {
  header.replaceChildren(
    h(
      "a",
      { class: "brand", href: "/" },
      h("img", { src: "/static/img/hearth.svg", alt: "", width: 28, height: 28 }),
      h("span", { text: "Hearth" }),
    ),
    h(
      "nav",
      { class: "site-nav", "aria-label": "Main", "data-i18n-aria-label": "nav.label" },
      h("a", { href: "/", "data-i18n": "nav.catalogue" }),
      h("a", { href: "/console", "data-i18n": "nav.console" }),
    ),
    h(
      "div",
      { class: "lang-switch" },
      h("label", { for: "lang", "data-i18n": "lang.label" }),
      h(
        "select",
        { id: "lang", "data-lang-switch": true },
        ...Object.entries(LANGUAGES).map(([code, { name }]) =>
          h("option", { value: code, lang: code, text: name }),
        ),
      ),
    ),
  );
}

export function initPage() {
  const header = document.querySelector("header.site-header");
  if (header) renderHeader(header);
  initI18n();
  for (const link of document.querySelectorAll(".site-nav a")) {
    if (link.getAttribute("href") === window.location.pathname) link.setAttribute("aria-current", "page");
  }
}

/** The last path segment: /m/{id} -> id. */
export function pathId() {
  const parts = window.location.pathname.split("/").filter(Boolean);
  return decodeURIComponent(parts[parts.length - 1] || "");
}

/**
 * Takes an invite code out of the address bar (#invite=CODE), keeps it in this
 * tab's sessionStorage under `key`, and returns it. The fragment never reaches
 * the server; removing it keeps the code out of history and screenshots too.
 */
export function takeInvite(key) {
  const params = new URLSearchParams(window.location.hash.slice(1));
  const code = params.get("invite");
  if (code) {
    rememberInvite(key, code);
    const url = window.location.pathname + window.location.search;
    window.history.replaceState(null, "", url);
  }
  return code || recallInvite(key);
}

export function rememberInvite(key, code) {
  try {
    window.sessionStorage.setItem(INVITE_PREFIX + key, code);
  } catch {
    // Storage disabled: the code still travels in the join link's fragment.
  }
}

export function recallInvite(key) {
  try {
    return window.sessionStorage.getItem(INVITE_PREFIX + key) || "";
  } catch {
    return "";
  }
}
