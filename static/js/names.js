// Pseudonyms: the same rules as PROTOCOL.md (checked again by the server), and
// friendly suggestions made in the browser, so asking for another costs nothing.

import { nameKind } from "./identifying.js";

const ALLOWED = /^[\p{L}\p{M}\p{N} _.\-]+$/u;

/** The i18n key of what is wrong with a requested pseudonym, or null (empty is fine). */
export function pseudonymProblem(raw) {
  const name = raw.trim();
  if (!name) return null;
  const length = [...name].length;
  if (length < 2) return "name.too_short";
  if (length > 32) return "name.too_long";
  const kind = nameKind(name);
  if (kind) return `name.${kind}`;
  if (!ALLOWED.test(name)) return "name.chars";
  return null;
}

// The same words as the server's generated names (rooms/names.py), so a suggestion
// reads like the names the room gives: "Adjective Noun" in English, and in Arabic a
// noun followed by its adjective ("نسمة هادئة").
const WORDS = {
  en: {
    first: [
      "Quiet", "Amber", "Gentle", "Bright", "Calm", "Steady", "Kind", "Warm", "Blue", "Green",
      "Silver", "Golden", "Soft", "Brave", "Patient", "Hopeful", "Clear", "Still", "Early", "Morning",
      "Evening", "Autumn", "Spring", "Summer", "Winter", "Misty", "Sunny", "Rosy", "Open", "True",
    ],
    second: [
      "Heron", "Fox", "Wren", "Otter", "Willow", "River", "Maple", "Sparrow", "Badger", "Robin",
      "Cedar", "Harbor", "Meadow", "Finch", "Lark", "Pine", "Brook", "Hare", "Owl", "Dove",
      "Fern", "Birch", "Swan", "Stone", "Moss", "Comet", "Lantern", "Oak", "Reed", "Tide",
    ],
  },
  ar: {
    first: [
      "نسمة", "غيمة", "واحة", "نخلة", "حمامة", "نجمة", "نحلة", "شجرة", "زهرة", "فراشة",
      "موجة", "سنبلة", "غزالة", "لؤلؤة", "ياسمينة", "سحابة", "شمعة", "سوسنة", "ريشة", "وردة",
    ],
    second: [
      "هادئة", "لطيفة", "دافئة", "صافية", "مشرقة", "ساكنة", "رقيقة", "صبورة", "خضراء", "زرقاء",
      "فضية", "ذهبية", "طيبة", "حالمة", "باسمة", "ندية", "وديعة", "صادقة", "بهية", "آمنة",
    ],
  },
};

function pick(list) {
  const buf = new Uint32Array(1);
  crypto.getRandomValues(buf);
  return list[buf[0] % list.length];
}

/** A new suggestion in the room's language (not the page's), never equal to `previous`. */
export function suggestPseudonym(lang, previous = "") {
  const words = WORDS[lang] || WORDS.en;
  for (let i = 0; i < 10; i += 1) {
    const name = `${pick(words.first)} ${pick(words.second)}`;
    if (name !== previous) return name;
  }
  return `${pick(words.first)} ${pick(words.second)} ${1 + (Date.now() % 9)}`;
}
