// /groups/{id}/{slug}: a listed group's page, whole without scripts (the server wrote it
// in the language of its address). With scripts it also shows the commitment this
// browser keeps for the group, and follows the browser's chosen language: an address
// without ?lang= gives way to the remembered choice, and a language link is remembered.

import { getLang } from "../i18n.js";
import { renderKeptCommitment } from "../kept-commitment.js";

const STORAGE_KEY = "hearth.lang";
const page = document.getElementById("group-view");
const shown = document.documentElement.lang;

function alternate(lang) {
  const link = document.querySelector(`link[rel="alternate"][hreflang="${lang}"]`);
  return link ? link.getAttribute("href") : null;
}

for (const link of document.querySelectorAll(".lang-links a[hreflang]")) {
  link.addEventListener("click", () => {
    try {
      window.localStorage.setItem(STORAGE_KEY, link.getAttribute("hreflang"));
    } catch {
      // Storage disabled: the link still leads to the page in that language.
    }
  });
}

const chosen = getLang();
const explicit = new URLSearchParams(window.location.search).has("lang");
const there = chosen !== shown && !explicit ? alternate(chosen) : null;
if (there) {
  window.location.replace(there);
} else if (page) {
  renderKeptCommitment(page.dataset.groupId);
}
