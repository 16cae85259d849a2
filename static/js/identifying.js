// Text that may give away who someone is: the browser's copy of rooms/identifying.py
// (tests/rooms/test_identifying.py runs both on one table). Python's \b and \w know
// every script; JavaScript's only ASCII, hence the spelled-out word edges below.

const W = "[\\p{L}\\p{N}_]";
const START = `(?<!${W})`;
const END = `(?!${W})`;
const TLDS = "com|org|net|io|co|uk|me|info|app|dev|de|fr|ly|gg|tv|xyz";
const MAILERS = "gmail|googlemail|hotmail|yahoo|outlook|icloud|proton(?:mail)?|aol|gmx|yandex";

const EMAIL = new RegExp(
  [
    "\\S@\\S",
    "\\S\\s*(?:\\(at\\)|\\[at\\])\\s*\\S",
    `${START}${W}+\\s+at\\s+${W}+\\s+dot\\s+${W}+${END}`,
    `${START}(?:at|@)\\s*(?:${MAILERS})${END}`,
    `${START}(?:gmail|googlemail|hotmail|yahoo|outlook|icloud|protonmail)\\s*(?:dot|\\.)?\\s*com${END}`,
  ].join("|"),
  "iu",
);
const URL = new RegExp(
  [
    `${START}(?:https?|ftp)\\s*:`,
    `${START}www\\s*\\.`,
    `${START}www\\s+${W}`,
    `${W}\\.(?:${TLDS})${END}`,
    `${W}\\s*\\.\\s*(?:com|org)${END}`,
    `${START}dot\\s+(?:${TLDS})${END}`,
  ].join("|"),
  "iu",
);
const NAME_URL = new RegExp(`\\.\\s*(?:${TLDS})${END}`, "iu");

export const NUMBER_WORDS = [
  "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
  "double", "triple", "صفر", "واحد", "اثنين", "اثنان", "ثلاثة", "ثلاثه", "اربعة",
  "أربعة", "خمسة", "خمسه", "ستة", "سته", "سبعة", "سبعه", "ثمانية", "ثمانيه", "تسعة",
  "تسعه",
];
const WORDS = new Set(NUMBER_WORDS);
const PHONE_DIGITS = 7;
const DIGIT_OR_WORD = `(?:\\p{Nd}|${START}(?:${NUMBER_WORDS.join("|")})${END})`;
const PHONE_RUN = new RegExp(`${DIGIT_OR_WORD}(?:[\\s\\-.()+]{0,3}${DIGIT_OR_WORD})*`, "giu");
const DATE = /^\p{Nd}{1,4}[-.]\p{Nd}{1,2}[-.]\p{Nd}{1,4}$/u;
const ND = /\p{Nd}/gu;

const plain = (text) => text.normalize("NFKC");
const digits = (text) => (text.match(ND) || []).length;
const spelled = (words) => words.reduce((n, w) => n + (WORDS.has(w) ? (w === "triple" ? 2 : 1) : 0), 0);

function phone(text) {
  for (const match of text.matchAll(PHONE_RUN)) {
    const run = match[0];
    const count = digits(run) + spelled(run.toLowerCase().split(/[\s\-.()+]+/u));
    if (count >= PHONE_DIGITS && !DATE.test(run)) return true;
  }
  return false;
}

/** Whether free text holds a web address, written out or spelled out. */
export function hasLink(text) {
  return URL.test(plain(text));
}

/** "email", "url", "phone": what in a message may identify someone; or null. */
export function looksIdentifying(text) {
  const p = plain(text);
  if (EMAIL.test(p)) return "email";
  if (URL.test(p)) return "url";
  if (phone(p)) return "phone";
  return null;
}

/** The same for a pseudonym, more strictly: any "@", any seven digits, any dot. */
export function nameKind(name) {
  const p = plain(name);
  if (p.includes("@") || EMAIL.test(p)) return "email";
  if (URL.test(p) || NAME_URL.test(p)) return "url";
  if (digits(p) + spelled(p.toLowerCase().split(/[\s\-_.]+/u)) >= PHONE_DIGITS) return "phone";
  return null;
}
