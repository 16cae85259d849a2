// Pseudonyms: the same rules as PROTOCOL.md (checked again by the server), and
// friendly suggestions made in the browser, so asking for another costs nothing.

const ALLOWED = /^[\p{L}\p{M}\p{N} _.\-]+$/u;
const EMAIL = /[^\s@]+@[^\s@]+/u;
const URL_LIKE = /(^|[\s_.\-])(https?|www)[\s.:]|[\p{L}\p{N}]\.(com|org|net|info|io|me|co|uk|de|fr|app|dev|ly|gg|tv|xyz)(\b|$)/iu;
const DIGIT = /\p{N}/gu;

/** The i18n key of what is wrong with a requested pseudonym, or null (empty is fine). */
export function pseudonymProblem(raw) {
  const name = raw.trim();
  if (!name) return null;
  const length = [...name].length;
  if (length < 2) return "name.too_short";
  if (length > 32) return "name.too_long";
  if (name.includes("@") && EMAIL.test(name)) return "name.email";
  if (URL_LIKE.test(name)) return "name.url";
  if ((name.match(DIGIT) || []).length >= 7) return "name.phone";
  if (!ALLOWED.test(name)) return "name.chars";
  return null;
}

const WORDS = {
  en: {
    first: ["Quiet", "Amber", "Gentle", "Steady", "Bright", "Calm", "Kind", "Warm", "Brave", "Patient", "Soft", "Hopeful"],
    second: ["Heron", "Fox", "Willow", "River", "Sparrow", "Cedar", "Otter", "Maple", "Finch", "Harbor", "Lark", "Birch"],
  },
  // Arabic: a masculine noun followed by a masculine adjective ("a calm falcon").
  ar: {
    first: ["صقر", "نهر", "قمر", "نسيم", "جبل", "بحر", "ضوء", "غزال", "أرز", "طائر", "غيم", "نخل"],
    second: ["هادئ", "لطيف", "صبور", "دافئ", "مشرق", "ثابت", "حالم", "كريم", "رقيق", "شجاع", "وديع", "أمين"],
  },
};

function pick(list) {
  const buf = new Uint32Array(1);
  crypto.getRandomValues(buf);
  return list[buf[0] % list.length];
}

/** A new suggestion, never equal to `previous`. */
export function suggestPseudonym(lang, previous = "") {
  const words = WORDS[lang] || WORDS.en;
  for (let i = 0; i < 10; i += 1) {
    const name = `${pick(words.first)} ${pick(words.second)}`;
    if (name !== previous) return name;
  }
  return `${pick(words.first)} ${pick(words.second)} ${1 + (Date.now() % 9)}`;
}
