// The formats panel: the selected group's formats, new ones from scratch or from one of
// Hearth's templates, and the choice of format in the group and meeting forms.

import { api, showErrors } from "../../api.js";
import { $, h } from "../../dom.js";
import { formatNumber, t } from "../../i18n.js";
import { closeEditor, openEditor, readForm, renumber, wireEditor } from "./format-editor.js";
import { fillSelect } from "./format-select.js";
import { deleteAndReload, removeButton } from "./lists.js";
import * as meetings from "./meetings.js";
import { canChange, enc, groupPath, say, state } from "./state.js";

const form = $("#format-form");
let templates = [];
let editing = null; // the format open in the editor (null: a new one)

function row(f) {
  const isDefault = state.current && state.current.format_id === f.id;
  return h(
    "li",
    { class: "row" },
    h(
      "span",
      {},
      h("strong", { dir: "auto", text: f.name }),
      " ",
      h("span", { class: "note", text: t("format.minutes_short", { n: formatNumber(f.total_minutes) }) }),
      isDefault && " ",
      isDefault && h("span", { class: "badge", text: t("format.is_default") }),
    ),
    canChange() &&
      h(
        "span",
        { class: "button-row" },
        h("button", {
          type: "button",
          class: "small secondary",
          text: t("format.edit"),
          "aria-label": `${t("format.edit")}: ${f.name}`,
          "data-format-id": f.id,
          onclick: () => edit(f),
        }),
        removeButton(t("console.remove"), f.name, () =>
          deleteAndReload(`/formats/${enc(f.id)}`, reloadAll, "format.removed"),
        ),
      ),
  );
}

export function render() {
  const list = $("#format-list");
  if (state.formats === null) {
    list.replaceChildren(h("li", { class: "note", text: t("console.load_failed") }));
  } else {
    list.replaceChildren(...state.formats.map(row));
    if (!state.formats.length) list.append(h("li", { class: "note", text: t("format.none") }));
  }
  renderStarts();
  fillSelect($("#m-format"), "meeting.group_default", $("#m-format").value);
  if (!form.hidden) {
    $("#format-editor-title").textContent = editorHeading();
    renumber();
  }
}

const editorHeading = () => (editing ? t("format.editing", { name: editing.name }) : t("format.new"));

function renderStarts() {
  const starts = $("#format-starts");
  starts.replaceChildren(
    h("button", { type: "button", class: "secondary", text: t("format.new"), onclick: () => edit(null) }),
    ...templates.map((tpl) =>
      h("button", {
        type: "button",
        class: "secondary",
        text: t("format.from_template", { name: tpl.name }),
        onclick: () => copyTemplate(tpl),
      }),
    ),
  );
}

export async function load() {
  closeEditor();
  editing = null;
  const mine = state.selection;
  const [formats, shipped] = await Promise.all([
    api(groupPath("/formats")).catch(() => null),
    templates.length ? templates : api(groupPath("/formats/templates")).catch(() => []),
  ]);
  if (mine !== state.selection) return;
  state.formats = formats;
  templates = shipped;
  render();
}

/** After a change the group's default may have gone (a deleted format clears it). */
async function reloadAll() {
  try {
    state.current = await api(groupPath());
  } catch {
    /* the list below says what failed */
  }
  await Promise.all([load(), meetings.load()]); // their format_id may have gone too
}

function edit(f) {
  editing = f;
  openEditor(f || { name: "", segments: [] }, editorHeading());
}

async function copyTemplate(tpl) {
  try {
    const made = await api(groupPath("/formats"), { method: "POST", body: { template: tpl.key } });
    say(t("format.created", { name: made.name }));
    await load();
    meetings.render();
    edit(made);
  } catch (error) {
    say(error.message);
  }
}

export function wire() {
  wireEditor();
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = readForm();
    if (!body) return;
    try {
      const saved = editing
        ? await api(groupPath(`/formats/${enc(editing.id)}`), { method: "PATCH", body })
        : await api(groupPath("/formats"), { method: "POST", body });
      say(t("format.saved", { name: saved.name }));
      await load();
      meetings.render(); // a new name in their choices
      focusRow(saved.id);
    } catch (error) {
      showErrors(form, error);
    }
  });
  $("#format-cancel").addEventListener("click", () => {
    const back = editing;
    closeEditor();
    editing = null;
    focusRow(back && back.id);
  });
}

/** Back from the editor, focus goes to the format's own Edit button (or the first start). */
function focusRow(id) {
  const edit = id && $(`#format-list [data-format-id="${CSS.escape(id)}"]`);
  (edit || $("#format-starts button")).focus();
}
