// UI strings, one module per locale in strings/. {name} placeholders are filled by t();
// user text is never put here. Every locale has exactly the keys of English
// (tests/static/test_locales.py).

import ar from "./strings/ar.js";
import en from "./strings/en.js";

export const STRINGS = { en, ar };
