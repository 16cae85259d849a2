// JSON over same-origin fetch, the API's error shape, and field errors beside fields.

import { h } from "./dom.js";
import { t } from "./i18n.js";

export class ApiError extends Error {
  constructor(status, body) {
    const error = (body && body.error) || {};
    super(error.message || t("error.http", { status }));
    this.status = status;
    this.code = error.code || (status ? `http_${status}` : "network");
    this.fields = error.fields || {};
  }
}

/** api("/api/groups", {method: "POST", body: {...}}) -> parsed JSON (or null). */
export async function api(path, { method = "GET", body } = {}) {
  const init = { method, credentials: "same-origin", headers: { accept: "application/json" } };
  if (body !== undefined) {
    init.headers["content-type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, { error: { code: "network", message: t("error.network") } });
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

/** The signed-in user, or null. */
export async function currentUser() {
  try {
    const data = await api("/api/auth/me");
    return (data && data.user) || data;
  } catch {
    return null;
  }
}

export function clearErrors(form) {
  for (const el of form.querySelectorAll(".field-error[data-generated]")) el.remove();
  for (const el of form.querySelectorAll("[aria-invalid]")) {
    el.removeAttribute("aria-invalid");
    const described = (el.getAttribute("aria-describedby") || "")
      .split(" ")
      .filter((id) => id && !id.endsWith("-error"));
    if (described.length) el.setAttribute("aria-describedby", described.join(" "));
    else el.removeAttribute("aria-describedby");
  }
  const summary = form.querySelector(".form-summary");
  if (summary) {
    summary.textContent = "";
    summary.hidden = true;
  }
}

function controlFor(form, name) {
  const byData = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
  if (byData) return byData;
  const direct = form.elements.namedItem(name);
  if (direct) return direct instanceof RadioNodeList ? direct[0] : direct;
  const last = name.split(".").pop().replace(/\[\d+\]$/, ""); // topics[2]: the topics box
  const partial = form.elements.namedItem(last);
  return partial instanceof RadioNodeList ? partial[0] : partial;
}

/** Marks one control invalid with a message beside it (aria-describedby). */
export function fieldError(form, control, message) {
  const id = `${control.id || control.name}-error`;
  const existing = form.querySelector(`#${CSS.escape(id)}`);
  if (existing) existing.remove();
  const note = h("p", { class: "field-error", id, text: message, "data-generated": true });
  const anchor = control.closest(".field") || control;
  anchor.append(note);
  control.setAttribute("aria-invalid", "true");
  const described = new Set((control.getAttribute("aria-describedby") || "").split(" ").filter(Boolean));
  described.add(id);
  control.setAttribute("aria-describedby", [...described].join(" "));
}

/** Shows an ApiError on a form: each field's problem beside it, the rest in the summary. */
export function showErrors(form, error) {
  clearErrors(form);
  const leftovers = [];
  let first = null;
  for (const [name, problem] of Object.entries(error.fields || {})) {
    const control = controlFor(form, name);
    if (control && control.nodeType === 1) {
      fieldError(form, control, problem);
      first = first || control;
    } else leftovers.push(`${name}: ${problem}`);
  }
  const summary = form.querySelector(".form-summary");
  if (summary) {
    summary.textContent = [error.message, ...leftovers].join(" ");
    summary.hidden = false;
  }
  if (first) first.focus();
  else if (summary) summary.focus();
}
