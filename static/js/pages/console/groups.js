// The groups panel: the list of groups, the group editor and the selected group's details.

import { api, clearErrors, fieldError, showErrors } from "../../api.js";
import { $, h, show } from "../../dom.js";
import { t } from "../../i18n.js";
import { viewerZone } from "../../time.js";
import * as facilitators from "./facilitators.js";
import { fillSelect } from "./format-select.js";
import * as formats from "./formats.js";
import * as invites from "./invites.js";
import * as keepOuts from "./keep-outs.js";
import { fillLanguages } from "./languages.js";
import * as meetings from "./meetings.js";
import * as resources from "./resources.js";
import * as stats from "./stats.js";
import { enc, groupPath, say, state } from "./state.js";
import { setZone } from "./zones.js";

const groupForm = $("#group-form");

export function renderGroupList() {
  const list = $("#group-list");
  list.replaceChildren(
    ...state.groups.map((group) =>
      h(
        "li",
        {},
        h(
          "button",
          {
            type: "button",
            class: "group-nav-item",
            "aria-current": state.current && state.current.id === group.id ? "true" : null,
            onclick: () => selectGroup(group.id),
          },
          h("span", { class: "name", dir: "auto", text: group.name }),
          h("span", {
            class: group.visibility === "closed" ? "badge invite" : "badge open",
            text: group.visibility === "closed" ? t("group.invite_only") : t("group.open"),
          }),
        ),
      ),
    ),
  );
  if (state.groups.length === 0) list.append(h("li", { class: "note", text: t("console.no_groups") }));
}

export async function loadGroups() {
  state.groups = await api("/api/groups");
  renderGroupList();
}

/** The editor's heading and button, for creating or for editing. */
export function labelEditor() {
  $("#editor-title").textContent = t(state.editing === "edit" ? "console.edit" : "console.new_group");
  $("#group-save").textContent = t(state.editing === "edit" ? "console.save" : "console.create");
}

function openEditor(mode) {
  state.editing = mode;
  state.selection += 1;
  clearErrors(groupForm);
  const g = mode === "edit" ? state.current : null;
  labelEditor();
  const el = groupForm.elements;
  el.name.value = g ? g.name : "";
  el.description.value = g ? g.description || "" : "";
  el.guidelines.value = g ? g.guidelines || "" : "";
  el.topics.value = g ? (g.topics || []).join(", ") : "";
  fillLanguages(el.language, g ? g.language || "en" : "en");
  setZone(el.timezone, g ? g.timezone : viewerZone());
  el.visibility.value = g ? g.visibility : "open";
  el.listed.checked = g ? Boolean(g.listed) : true;
  el.capacity.value = g && g.capacity != null ? g.capacity : "";
  el.share_seconds.value = g && g.share_seconds != null ? g.share_seconds : "";
  el.keep_out_days.value = g && g.keep_out_days != null ? g.keep_out_days : "";
  el.lobby_after_removal_minutes.value = g?.lobby_after_removal_minutes ?? "";
  el.lobby.checked = Boolean(g && g.lobby);
  el.lobby_when_unattended.checked = Boolean(g?.lobby_when_unattended);
  el.crosstalk.checked = Boolean(g && g.crosstalk);
  el.late_joiners_see_history.checked = Boolean(g && g.late_joiners_see_history);
  el.links_from_facilitators_only.checked = Boolean(g && g.links_from_facilitators_only);
  el.masked_words.value = g ? (g.masked_words || []).join("\n") : "";
  // A new group has no formats yet; its default is chosen once it has some.
  fillSelect(el.format_id, "format.no_default", g ? g.format_id : "");
  show($("#g-format-field"), mode === "edit");
  show($("#group-editor"), true);
  show($("#group-detail"), mode === "edit");
  show($("#console-empty"), false);
  el.name.focus();
}

function closeEditor() {
  state.editing = null;
  show($("#group-editor"), false);
  show($("#group-detail"), Boolean(state.current));
  show($("#console-empty"), !state.current);
}

function groupBody() {
  const el = groupForm.elements;
  const body = {
    name: el.name.value.trim(),
    description: el.description.value.trim(),
    topics: el.topics.value
      .split(/[,،]/)
      .map((s) => s.trim())
      .filter(Boolean),
    language: el.language.value.trim(),
    visibility: el.visibility.value,
    listed: el.listed.checked,
    timezone: el.timezone.value,
    lobby: el.lobby.checked,
    lobby_when_unattended: el.lobby_when_unattended.checked,
    crosstalk: el.crosstalk.checked,
    late_joiners_see_history: el.late_joiners_see_history.checked,
    links_from_facilitators_only: el.links_from_facilitators_only.checked,
    masked_words: el.masked_words.value
      .split("\n")
      .map((s) => s.trim())
      .filter(Boolean),
  };
  const guidelines = el.guidelines.value.trim();
  if (guidelines || (state.current && state.current.guidelines)) body.guidelines = guidelines;
  if (el.capacity.value) body.capacity = Number(el.capacity.value);
  if (el.share_seconds.value) body.share_seconds = Number(el.share_seconds.value);
  if (el.keep_out_days.value) body.keep_out_days = Number(el.keep_out_days.value);
  const lobbyAfter = el.lobby_after_removal_minutes.value;
  if (lobbyAfter) body.lobby_after_removal_minutes = Number(lobbyAfter);
  if (state.editing === "edit") body.format_id = el.format_id.value || null;
  return body;
}

export function renderDetail() {
  if (!state.current) return;
  const g = state.current;
  const closed = g.visibility === "closed";
  $("#detail-name").textContent = g.name;
  $("#detail-description").textContent = g.description || "";
  const access = $("#detail-access");
  access.textContent = closed ? t("group.invite_only") : t("group.open");
  access.className = closed ? "badge invite" : "badge open";
  $("#detail-listed").textContent = g.listed ? t("group.is_listed") : t("group.not_listed");
  $("#detail-tz").textContent = g.timezone || "";
  $("#detail-page").href = `/g/${enc(g.id)}`;
  setZone($("#meeting-form").elements.timezone, g.timezone);
}

export async function selectGroup(id, known) {
  state.selection += 1;
  const mine = state.selection;
  let group;
  try {
    group = known && known.id === id ? known : await api(`/api/groups/${enc(id)}`);
  } catch (error) {
    say(error.message);
    return;
  }
  if (mine !== state.selection) return; // the organiser chose something else meanwhile
  state.current = group;
  renderGroupList();
  renderDetail();
  show($("#group-editor"), false);
  show($("#group-detail"), true);
  show($("#console-empty"), false);
  show($("#new-invite"), false);
  await Promise.all([
    meetings.load(),
    facilitators.load(),
    invites.load(),
    resources.load(),
    keepOuts.load(),
    formats.load(),
    stats.load(),
  ]);
  if (mine === state.selection) meetings.render(); // now with the formats to choose from
}

export function wireGroups() {
  groupForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(groupForm);
    const body = groupBody();
    if (!body.name) {
      fieldError(groupForm, groupForm.elements.name, t("form.required"));
      groupForm.elements.name.focus();
      return;
    }
    try {
      const saved =
        state.editing === "edit"
          ? await api(groupPath(), { method: "PATCH", body })
          : await api("/api/groups", { method: "POST", body });
      say(t(state.editing === "edit" ? "console.saved" : "console.created", { name: saved.name }));
      state.editing = null;
      show($("#group-editor"), false);
      await loadGroups();
      await selectGroup(saved.id, saved);
    } catch (error) {
      showErrors(groupForm, error);
    }
  });

  $("#group-cancel").addEventListener("click", closeEditor);
  $("#new-group").addEventListener("click", () => openEditor("create"));
  $("#edit-group").addEventListener("click", () => openEditor("edit"));
}
