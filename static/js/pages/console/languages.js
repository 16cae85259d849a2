// The group language, picked from a list: BCP 47 tags named in the organiser's own
// language by Intl.DisplayNames, so nobody has to know that Brazilian Portuguese is pt-BR.

import { h } from "../../dom.js";
import { languageName } from "../../listing.js";

// Languages support groups commonly meet in; a group's own tag, if not here, is added.
export const LANGUAGE_CODES = [
  "ar", "bn", "de", "el", "en", "en-GB", "en-US", "es", "es-419", "fa", "fi", "fr", "fr-CA",
  "ha", "he", "hi", "id", "it", "ja", "ko", "ms", "nl", "no", "pa", "pl", "ps", "pt", "pt-BR",
  "ro", "ru", "so", "sv", "sw", "ta", "th", "tl", "tr", "uk", "ur", "vi", "yo", "zh-Hans", "zh-Hant",
];

/** Fills `select` with the languages by name, `chosen` selected. */
export function fillLanguages(select, chosen) {
  const codes = LANGUAGE_CODES.includes(chosen) || !chosen ? LANGUAGE_CODES : [...LANGUAGE_CODES, chosen];
  const named = codes.map((code) => ({ code, name: languageName(code) }));
  named.sort((a, b) => a.name.localeCompare(b.name));
  select.replaceChildren(...named.map(({ code, name }) => h("option", { value: code, text: `${name} (${code})` })));
  select.value = chosen || "en";
}
