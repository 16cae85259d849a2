// The format editor: a format's name and its parts, in order, each with the room
// settings it implies. The form is the only copy of what is being edited: moving a part
// moves its <li>, and saving reads the form back, so nothing typed is lost to a re-render.

import { clearErrors, fieldError } from "../../api.js";
import { $, h, show } from "../../dom.js";
import { formatNumber, t } from "../../i18n.js";

export const KINDS = ["reading", "round", "shares", "discussion", "break", "closing"];
const MAX_SEGMENTS = 30;
const form = $("#format-form");
const list = $("#segment-list");
let serial = 0; // ids of controls stay unique across parts added and removed

// Labels and options carry data-i18n, so a change of language retranslates them in place.
function select(id, name, options, value) {
  return h(
    "select",
    { id, name },
    ...options.map(([v, key]) => h("option", { value: v, text: t(key), "data-i18n": key, selected: v === value })),
  );
}

const triState = (value) => (value === true ? "on" : value === false ? "off" : "");

function field(id, labelKey, control, wide = false) {
  return h(
    "div",
    { class: wide ? "field wide" : "field" },
    h("label", { for: id, text: t(labelKey), "data-i18n": labelKey }),
    control,
  );
}

function segmentItem(segment) {
  const id = `seg${(serial += 1)}`;
  const s = segment.settings || {};
  const unset = ["", "format.unset"];
  const item = h(
    "li",
    { class: "segment", "data-segment": id },
    h("fieldset", {},
      h("legend", { class: "segment-legend" }),
      h("div", { class: "field-row" },
        field(`${id}-title`, "format.title",
          h("input", { id: `${id}-title`, name: "title", type: "text", maxlength: 80, required: true, dir: "auto", value: segment.title || "" })),
        field(`${id}-kind`, "format.kind",
          select(`${id}-kind`, "kind", KINDS.map((k) => [k, `format.kind_${k}`]), segment.kind || "shares")),
        field(`${id}-minutes`, "format.minutes",
          h("input", { id: `${id}-minutes`, name: "minutes", type: "number", min: 1, max: 180, step: 1, required: true, value: segment.minutes ?? 10 })),
      ),
      field(`${id}-reading`, "format.reading",
        h("textarea", { id: `${id}-reading`, name: "reading", rows: 3, maxlength: 4000, dir: "auto" }), true),
      // Only a closing part may invite commitments: the box shows for those alone.
      h("div", { class: "check commitment-check" },
        h("input", { id: `${id}-commit`, name: "invite_commitment", type: "checkbox", checked: Boolean(segment.invite_commitment) }),
        h("label", { for: `${id}-commit`, text: t("commitment.editor_label"), "data-i18n": "commitment.editor_label" })),
      h("div", { class: "field-row" },
        field(`${id}-crosstalk`, "format.crosstalk",
          select(`${id}-crosstalk`, "crosstalk", [unset, ["on", "format.allowed"], ["off", "format.not_allowed"]], triState(s.crosstalk))),
        field(`${id}-queue-open`, "format.queue_open",
          select(`${id}-queue-open`, "queue_open", [unset, ["on", "format.hands_open"], ["off", "format.hands_closed"]], triState(s.queue_open))),
        field(`${id}-policy`, "settings.queue_policy",
          select(`${id}-policy`, "queue_policy", [unset, ["fifo", "settings.fifo"], ["fewest_shares_first", "settings.fewest"]], s.queue_policy || "")),
        field(`${id}-share`, "format.share_seconds",
          h("input", { id: `${id}-share`, name: "share_seconds", type: "number", min: 30, max: 1800, step: 1, value: s.share_seconds ?? "" })),
        field(`${id}-slow`, "format.slow_mode",
          h("input", { id: `${id}-slow`, name: "slow_mode_seconds", type: "number", min: 0, max: 300, step: 1, value: s.slow_mode_seconds ?? "" })),
      ),
      h("div", { class: "button-row segment-actions" },
        h("button", { type: "button", class: "small secondary", "data-action": "up", onclick: () => move(item, -1) }),
        h("button", { type: "button", class: "small secondary", "data-action": "down", onclick: () => move(item, 1) }),
        h("button", { type: "button", class: "small secondary", "data-action": "remove", onclick: () => remove(item) }),
      ),
    ),
  );
  item.querySelector("textarea").value = segment.reading || "";
  showCommitmentBox(item);
  return item;
}

function showCommitmentBox(item) {
  show(item.querySelector(".commitment-check"), item.querySelector("[name=kind]").value === "closing");
}

/** Numbers the parts, names their buttons after them and ties each control to its API field;
 * also what a change of language calls, for the text built from parameters. */
export function renumber() {
  const items = [...list.children];
  items.forEach((item, i) => {
    const n = formatNumber(i + 1);
    const title = item.querySelector("[name=title]").value.trim();
    const label = title ? t("format.segment_named", { n, title }) : t("format.segment", { n });
    item.querySelector("legend").textContent = label;
    for (const [action, key] of [["up", "format.move_up"], ["down", "format.move_down"], ["remove", "format.remove_segment"]]) {
      const button = item.querySelector(`[data-action=${action}]`);
      button.textContent = t(key);
      button.setAttribute("aria-label", `${t(key)}: ${label}`);
    }
    item.querySelector("[data-action=up]").disabled = i === 0;
    item.querySelector("[data-action=down]").disabled = i === items.length - 1;
    item.querySelector("[data-action=remove]").disabled = items.length === 1;
    for (const control of item.querySelectorAll("[name]")) {
      const settings = !["title", "kind", "minutes", "reading", "invite_commitment"].includes(control.name);
      control.dataset.field = `segments[${i}].${settings ? "settings." : ""}${control.name}`;
    }
  });
  $("#add-segment").disabled = items.length >= MAX_SEGMENTS;
  showTotal();
}

function showTotal() {
  const total = [...list.querySelectorAll("[name=minutes]")].reduce((sum, el) => sum + (Number(el.value) || 0), 0);
  $("#format-total").textContent = t("format.total", { n: formatNumber(total) });
}

function move(item, step) {
  const other = step < 0 ? item.previousElementSibling : item.nextElementSibling;
  if (!other) return;
  if (step < 0) list.insertBefore(item, other);
  else list.insertBefore(other, item);
  renumber();
  // Focus stays on the button pressed; at the end of the list, on its opposite.
  const same = item.querySelector(`[data-action=${step < 0 ? "up" : "down"}]`);
  const opposite = item.querySelector(`[data-action=${step < 0 ? "down" : "up"}]`);
  (same.disabled ? opposite : same).focus();
}

function remove(item) {
  const next = item.nextElementSibling || item.previousElementSibling;
  item.remove();
  renumber();
  if (next) next.querySelector("[name=title]").focus();
}

/** Opens the editor on `format` ({name, segments}); `heading` names what is edited. */
export function openEditor(format, heading) {
  clearErrors(form);
  form.elements.name.value = format.name || "";
  list.replaceChildren(...(format.segments.length ? format.segments : [{}]).map(segmentItem));
  $("#format-editor-title").textContent = heading;
  renumber();
  show(form, true);
  $("#format-editor-title").focus();
}

export function closeEditor() {
  show(form, false);
  list.replaceChildren();
}

function numberOrNull(value) {
  return value === "" ? null : Number(value);
}

/** The body to save, or null with the first missing field marked. */
export function readForm() {
  clearErrors(form);
  const name = form.elements.name.value.trim();
  const segments = [...list.children].map((item) => {
    const get = (n) => item.querySelector(`[name=${n}]`).value;
    const segment = { title: get("title").trim(), kind: get("kind"), minutes: Number(get("minutes")) };
    const reading = get("reading").trim();
    if (reading) segment.reading = reading;
    const settings = {};
    if (get("crosstalk")) settings.crosstalk = get("crosstalk") === "on";
    if (get("queue_open")) settings.queue_open = get("queue_open") === "on";
    if (get("queue_policy")) settings.queue_policy = get("queue_policy");
    for (const n of ["share_seconds", "slow_mode_seconds"]) {
      const value = numberOrNull(get(n));
      if (value !== null) settings[n] = value;
    }
    if (Object.keys(settings).length) segment.settings = settings;
    if (segment.kind === "closing" && item.querySelector("[name=invite_commitment]").checked) segment.invite_commitment = true;
    return segment;
  });
  const missing = [form.elements.name, ...list.querySelectorAll("[name=title], [name=minutes]")].filter(
    (el) => !el.value.trim(),
  );
  for (const el of missing) fieldError(form, el, t("form.required"));
  if (missing.length) {
    missing[0].focus();
    return null;
  }
  return { name, segments };
}

export function wireEditor() {
  $("#add-segment").addEventListener("click", () => {
    const item = segmentItem({});
    list.append(item);
    renumber();
    item.querySelector("[name=title]").focus();
  });
  list.addEventListener("input", (event) => {
    if (event.target.name === "minutes") showTotal();
  });
  list.addEventListener("change", (event) => {
    if (event.target.name === "title") renumber();
    if (event.target.name === "kind") showCommitmentBox(event.target.closest("li.segment"));
  });
}
