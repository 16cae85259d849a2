// A small i18n module: English and Arabic strings, <html lang dir>, and a switcher.
//
// Static text in the pages carries data-i18n="key" (textContent), and
// data-i18n-placeholder / data-i18n-aria-label / data-i18n-title for attributes.
// Dynamic views call t() and re-render on the "langchange" event.

import { STRINGS } from "./strings.js";

const STORAGE_KEY = "hearth.lang";
export const LANGUAGES = { en: { name: "English", dir: "ltr" }, ar: { name: "العربية", dir: "rtl" } };

function stored() {
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage disabled
  }
}

function store(value) {
  try {
    window.localStorage.setItem(STORAGE_KEY, value);
  } catch {
    // Not remembered; still used for this page.
  }
}

/** ?lang= (remembered), else the last choice, else the browser's preference, else English. */
function initialLang() {
  const url = new URLSearchParams(window.location.search).get("lang");
  if (url && url in LANGUAGES) {
    store(url);
    return url;
  }
  const remembered = stored();
  if (remembered && remembered in LANGUAGES) return remembered;
  const preferred = (navigator.languages || [navigator.language || "en"])
    .map((l) => l.slice(0, 2).toLowerCase())
    .find((l) => l in LANGUAGES);
  return preferred || "en";
}

let lang = initialLang();

export function getLang() {
  return lang;
}

/** The locale for Intl formatters: the browser's own variant of the UI language
 * (en-GB keeps its 24-hour clock), else the UI language itself. */
export function locale() {
  const preferred = (navigator.languages || [navigator.language || ""]).find(
    (l) => l.slice(0, 2).toLowerCase() === lang,
  );
  return preferred || lang;
}

/** t("queue.position", {n: 2}): the string for the current language, {name} filled in. */
export function t(key, params) {
  const table = STRINGS[lang] || STRINGS.en;
  let text = table[key];
  if (text === undefined) text = STRINGS.en[key];
  if (text === undefined) return key;
  if (params) {
    text = text.replace(/\{(\w+)\}/g, (whole, name) =>
      name in params ? String(params[name]) : whole,
    );
  }
  return text;
}

/** The string as nodes, `params[isolated]` (a name someone typed, in any script) in
 * its own <bdi>, so a Latin title in an Arabic sentence keeps its punctuation in place. */
export function tIsolated(key, params, isolated) {
  const [before, after = ""] = t(key, { ...params, [isolated]: "\u0000" }).split("\u0000");
  const bdi = document.createElement("bdi");
  bdi.textContent = String(params[isolated]);
  return [before, bdi, after];
}

/** An English/Arabic ordinal: 1st, 2nd... / الأول، الثاني... (falls back to the number). */
export function ordinal(n) {
  if (lang === "ar") {
    const words = ["", "الأول", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن", "التاسع", "العاشر"];
    return words[n] || new Intl.NumberFormat("ar").format(n);
  }
  const rule = new Intl.PluralRules("en", { type: "ordinal" }).select(n);
  const suffix = { one: "st", two: "nd", few: "rd", other: "th" }[rule];
  return `${n}${suffix}`;
}

export function formatNumber(n) {
  return new Intl.NumberFormat(locale()).format(n);
}

const ATTRS = [
  ["i18nPlaceholder", "placeholder"],
  ["i18nAriaLabel", "aria-label"],
  ["i18nTitle", "title"],
];

function applyTranslations(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const [data, attr] of ATTRS) {
    const selector = `[data-${data.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase())}]`;
    for (const el of root.querySelectorAll(selector)) el.setAttribute(attr, t(el.dataset[data]));
  }
}

function applyDocument() {
  const html = document.documentElement;
  html.lang = lang;
  html.dir = LANGUAGES[lang].dir;
  applyTranslations();
}

function setLang(next) {
  if (!(next in LANGUAGES) || next === lang) return;
  lang = next;
  store(next);
  applyDocument();
  document.dispatchEvent(new CustomEvent("langchange", { detail: { lang } }));
}

/** Sets lang/dir, translates the page and wires every language <select>. */
export function initI18n() {
  applyDocument();
  for (const select of document.querySelectorAll("select[data-lang-switch]")) {
    select.value = lang;
    select.addEventListener("change", () => setLang(select.value));
    document.addEventListener("langchange", () => {
      select.value = lang;
    });
  }
}
