// node locale_keys.mjs STRINGS_JS LOCALE_FILE...: loads the assembled table (STRINGS_JS
// exports STRINGS) and each locale module (a default export), and prints as JSON what
// tests/static/test_locales.py compares: the keys of each, and which values are not text.

import { basename } from "node:path";
import { pathToFileURL } from "node:url";

const load = (path) => import(pathToFileURL(path).href);
const [assembly, ...files] = process.argv.slice(2);
const { STRINGS } = await load(assembly);

const describe = (table) => ({
  keys: Object.keys(table),
  not_text: Object.keys(table).filter((key) => typeof table[key] !== "string" || table[key] === ""),
});

const result = { assembled: {}, files: {}, same_object: {} };
for (const [locale, table] of Object.entries(STRINGS)) result.assembled[locale] = describe(table);
for (const file of files) {
  const locale = basename(file, ".js");
  const table = (await load(file)).default;
  result.files[locale] = describe(table);
  result.same_object[locale] = STRINGS[locale] === table;
}
process.stdout.write(JSON.stringify(result));
