// What the lists under a group (meetings, facilitators, invites, resources) share.

import { api } from "../../api.js";
import { $, confirmDialog, h } from "../../dom.js";
import { t } from "../../i18n.js";
import { canChange, groupPath, say } from "./state.js";

/** The selected group's list at `path`, or null when it could not be loaded. */
async function fetchList(path) {
  try {
    return await api(groupPath(path));
  } catch {
    return null;
  }
}

/** A list panel: `load()` fetches the selected group's list at `path` and renders it into
 * `listSelector`, one `row(item)` each (only the `shown(items)` ones), or `emptyKey`'s note. */
export function listPanel(path, listSelector, emptyKey, row, shown = (items) => items) {
  let items = [];
  const render = () => fillList($(listSelector), items === null ? null : shown(items), emptyKey, row);
  const load = async () => {
    items = await fetchList(path);
    render();
  };
  return { load, render };
}

function fillList(list, items, emptyKey, row) {
  if (items === null) {
    list.replaceChildren(h("li", { class: "note", text: t("console.load_failed") }));
    return;
  }
  list.replaceChildren(...items.map(row));
  if (items.length === 0) list.append(h("li", { class: "note", text: t(emptyKey) }));
}

/** A remove / revoke button with a confirmation; none for facilitators (organisers only). */
export function removeButton(label, name, onYes) {
  if (!canChange()) return null;
  return h("button", {
    type: "button",
    class: "small secondary",
    text: label,
    "aria-label": `${label}: ${name}`,
    onclick: async () => {
      if (await confirmDialog(t("confirm.generic", { action: label, name }), label)) onYes();
    },
  });
}

export async function deleteAndReload(path, reload, doneKey) {
  try {
    await api(groupPath(path), { method: "DELETE" });
    say(t(doneKey));
  } catch (error) {
    say(error.message);
  }
  await reload();
}
