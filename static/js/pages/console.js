// /console: the organiser's groups, meetings, facilitators, invites and resources.

import { api, clearErrors, currentUser, fieldError, showErrors } from "../api.js";
import { $, announce, confirmDialog, h, safeUrl, show } from "../dom.js";
import { formatNumber, locale, t } from "../i18n.js";
import { initPage } from "../shell.js";
import { formatRange, formatWhen, viewerZone } from "../time.js";

initPage();

const groupForm = $("#group-form");
const meetingForm = $("#meeting-form");
const facilitatorForm = $("#facilitator-form");
const inviteForm = $("#invite-form");
const resourceForm = $("#resource-form");
const status = $("#console-status");

let user = null;
let groups = [];
let current = null; // the selected group
let editing = null; // "create" | "edit" | null
let selection = 0; // the latest choice of what to show; older answers are ignored
const lists = { meetings: [], facilitators: [], invites: [], resources: [] };

const enc = encodeURIComponent;
const groupPath = (suffix = "") => `/api/groups/${enc(current.id)}${suffix}`;

function say(text) {
  announce(status, text);
}

// Time zones -------------------------------------------------------------------

function fillZones() {
  let zones = [];
  try {
    zones = Intl.supportedValuesOf("timeZone");
  } catch {
    zones = [];
  }
  zones = [...new Set(["UTC", viewerZone(), ...zones])].sort();
  for (const select of document.querySelectorAll(".tz-select")) {
    select.replaceChildren(...zones.map((zone) => h("option", { value: zone, text: zone })));
    select.value = viewerZone();
  }
}

function setZone(select, zone) {
  if (zone && ![...select.options].some((o) => o.value === zone)) {
    select.append(h("option", { value: zone, text: zone }));
  }
  select.value = zone || viewerZone();
}

// Groups -------------------------------------------------------------------------

function renderGroupList() {
  const list = $("#group-list");
  list.replaceChildren(
    ...groups.map((group) =>
      h(
        "li",
        {},
        h(
          "button",
          {
            type: "button",
            class: "group-nav-item",
            "aria-current": current && current.id === group.id ? "true" : null,
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
  if (groups.length === 0) list.append(h("li", { class: "note", text: t("console.no_groups") }));
}

async function loadGroups() {
  groups = await api("/api/groups");
  renderGroupList();
}

function openEditor(mode) {
  editing = mode;
  selection += 1;
  clearErrors(groupForm);
  const g = mode === "edit" ? current : null;
  $("#editor-title").textContent = t(mode === "edit" ? "console.edit" : "console.new_group");
  $("#group-save").textContent = t(mode === "edit" ? "console.save" : "console.create");
  const el = groupForm.elements;
  el.name.value = g ? g.name : "";
  el.description.value = g ? g.description || "" : "";
  el.guidelines.value = g ? g.guidelines || "" : "";
  el.topics.value = g ? (g.topics || []).join(", ") : "";
  el.language.value = g ? g.language || "en" : "en";
  setZone(el.timezone, g ? g.timezone : viewerZone());
  el.visibility.value = g ? g.visibility : "open";
  el.listed.checked = g ? Boolean(g.listed) : true;
  el.capacity.value = g && g.capacity != null ? g.capacity : "";
  el.share_seconds.value = g && g.share_seconds != null ? g.share_seconds : "";
  el.lobby.checked = Boolean(g && g.lobby);
  el.crosstalk.checked = Boolean(g && g.crosstalk);
  el.late_joiners_see_history.checked = Boolean(g && g.late_joiners_see_history);
  show($("#group-editor"), true);
  show($("#group-detail"), mode === "edit");
  show($("#console-empty"), false);
  el.name.focus();
}

function closeEditor() {
  editing = null;
  show($("#group-editor"), false);
  show($("#group-detail"), Boolean(current));
  show($("#console-empty"), !current);
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
    crosstalk: el.crosstalk.checked,
    late_joiners_see_history: el.late_joiners_see_history.checked,
  };
  const guidelines = el.guidelines.value.trim();
  if (guidelines || (current && current.guidelines)) body.guidelines = guidelines;
  if (el.capacity.value) body.capacity = Number(el.capacity.value);
  if (el.share_seconds.value) body.share_seconds = Number(el.share_seconds.value);
  return body;
}

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
      editing === "edit"
        ? await api(groupPath(), { method: "PATCH", body })
        : await api("/api/groups", { method: "POST", body });
    say(t(editing === "edit" ? "console.saved" : "console.created", { name: saved.name }));
    editing = null;
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

function renderDetail() {
  if (!current) return;
  const g = current;
  const closed = g.visibility === "closed";
  $("#detail-name").textContent = g.name;
  $("#detail-description").textContent = g.description || "";
  const access = $("#detail-access");
  access.textContent = closed ? t("group.invite_only") : t("group.open");
  access.className = closed ? "badge invite" : "badge open";
  $("#detail-listed").textContent = g.listed ? t("group.is_listed") : t("group.not_listed");
  $("#detail-tz").textContent = g.timezone || "";
  $("#detail-page").href = `/g/${enc(g.id)}`;
  setZone(meetingForm.elements.timezone, g.timezone);
}

async function selectGroup(id, known) {
  selection += 1;
  const mine = selection;
  let group;
  try {
    group = known && known.id === id ? known : await api(`/api/groups/${enc(id)}`);
  } catch (error) {
    say(error.message);
    return;
  }
  if (mine !== selection) return; // the organiser chose something else meanwhile
  current = group;
  renderGroupList();
  renderDetail();
  show($("#group-editor"), false);
  show($("#group-detail"), true);
  show($("#console-empty"), false);
  show($("#new-invite"), false);
  await Promise.all([loadMeetings(), loadFacilitators(), loadInvites(), loadResources()]);
}

// Lists under a group -----------------------------------------------------------

async function loadList(name, path) {
  try {
    lists[name] = await api(groupPath(path));
  } catch {
    lists[name] = null;
  }
  RENDER[name]();
}

const loadMeetings = () => loadList("meetings", "/meetings");
const loadFacilitators = () => loadList("facilitators", "/facilitators");
const loadInvites = () => loadList("invites", "/invites");
const loadResources = () => loadList("resources", "/resources");

function fillList(list, items, emptyKey, row) {
  if (items === null) {
    list.replaceChildren(h("li", { class: "note", text: t("console.load_failed") }));
    return;
  }
  list.replaceChildren(...items.map(row));
  if (items.length === 0) list.append(h("li", { class: "note", text: t(emptyKey) }));
}

function removeButton(label, name, onYes) {
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

async function deleteAndReload(path, reload, doneKey) {
  try {
    await api(groupPath(path), { method: "DELETE" });
    say(t(doneKey));
  } catch (error) {
    say(error.message);
  }
  await reload();
}

const RENDER = {
  meetings() {
    const now = Date.now();
    const upcoming = (lists.meetings || []).filter((m) => !m.ends_at || Date.parse(m.ends_at) > now);
    fillList($("#meeting-list"), lists.meetings === null ? null : upcoming, "console.no_meetings", (m) => {
      const zone = m.timezone || current.timezone;
      const local = new Intl.DateTimeFormat(locale(), {
        timeZone: zone,
        weekday: "short",
        day: "numeric",
        month: "short",
        hour: "2-digit",
        minute: "2-digit",
      }).format(new Date(m.starts_at));
      return h(
        "li",
        { class: "row" },
        h(
          "div",
          {},
          h("p", {}, h("strong", { dir: "auto", text: m.title || current.name })),
          h("p", { class: "note" }, h("time", { datetime: m.starts_at, text: `${local} (${zone})` })),
          h("p", { class: "note", text: t("console.your_time", { when: formatRange(m.starts_at, m.ends_at) }) }),
        ),
        h(
          "div",
          { class: "button-row" },
          h("a", { class: "button small secondary", href: `/m/${enc(m.id)}`, text: t("console.open_room") }),
          h("button", {
            type: "button",
            class: "small secondary",
            text: t("console.delete"),
            "aria-label": `${t("console.delete")}: ${formatWhen(m.starts_at)}`,
            onclick: async () => {
              if (await confirmDialog(t("confirm.meeting", { when: formatWhen(m.starts_at) }), t("console.delete"))) {
                try {
                  await api(`/api/meetings/${enc(m.id)}`, { method: "DELETE" });
                  say(t("console.meeting_deleted"));
                } catch (error) {
                  say(error.message);
                }
                await loadMeetings();
              }
            },
          }),
        ),
      );
    });
  },
  facilitators() {
    fillList($("#facilitator-list"), lists.facilitators, "console.no_facilitators", (f) => {
      const name = f.username;
      return h(
        "li",
        { class: "row" },
        h("span", { dir: "auto", text: name }),
        removeButton(t("console.remove"), name, () =>
          deleteAndReload(`/facilitators/${enc(name)}`, loadFacilitators, "console.facilitator_removed"),
        ),
      );
    });
  },
  invites() {
    fillList($("#invite-list"), lists.invites, "console.no_invites", (invite) => {
      const uses =
        invite.max_uses != null
          ? t("invite.uses_of", { n: formatNumber(invite.use_count), max: formatNumber(invite.max_uses) })
          : t("invite.uses", { n: formatNumber(invite.use_count) });
      const bits = [
        t("invite.hint", { hint: invite.hint }),
        t(`invite.status_${invite.status}`),
        uses,
        invite.expires_at ? t("invite.expires_on", { when: formatWhen(invite.expires_at) }) : null,
      ].filter(Boolean);
      return h(
        "li",
        { class: "row" },
        h("span", { text: bits.join(" · ") }),
        invite.status === "active"
          ? removeButton(t("invite.revoke"), t("invite.hint", { hint: invite.hint }), () =>
              deleteAndReload(`/invites/${enc(invite.id)}`, loadInvites, "invite.revoked_done"),
            )
          : null,
      );
    });
  },
  resources() {
    fillList($("#resource-list"), lists.resources, "console.no_resources", (r) =>
      h(
        "li",
        { class: "row" },
        h(
          "span",
          {},
          h("span", { class: r.kind === "crisis" ? "badge crisis" : "badge", text: t(`resource.${r.kind}`) }),
          " ",
          h("a", { href: safeUrl(r.url), rel: "noopener noreferrer", target: "_blank", dir: "auto", text: r.title }),
        ),
        removeButton(t("console.remove"), r.title, () =>
          deleteAndReload(`/resources/${enc(r.id)}`, loadResources, "console.resource_removed"),
        ),
      ),
    );
  },
};

// Forms under a group ------------------------------------------------------------

$("#m-weekly").addEventListener("change", (event) => {
  show($("#m-count-field"), event.target.checked);
});

meetingForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(meetingForm);
  const el = meetingForm.elements;
  if (!el.starts_at.value) {
    fieldError(meetingForm, el.starts_at, t("form.required"));
    el.starts_at.focus();
    return;
  }
  const body = {
    starts_at: el.starts_at.value.slice(0, 16),
    timezone: el.timezone.value,
    duration_minutes: Number(el.duration_minutes.value),
  };
  if (el.title.value.trim()) body.title = el.title.value.trim();
  if (el.weekly.checked) body.repeat = { weekly: { count: Number(el.count.value) } };
  try {
    const created = await api(groupPath("/meetings"), { method: "POST", body });
    const n = Array.isArray(created) ? created.length : 1;
    say(t(n === 1 ? "console.scheduled_one" : "console.scheduled", { n: formatNumber(n) }));
    meetingForm.reset();
    show($("#m-count-field"), false);
    setZone(el.timezone, current.timezone);
    await loadMeetings();
  } catch (error) {
    showErrors(meetingForm, error);
  }
});

facilitatorForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(facilitatorForm);
  const input = facilitatorForm.elements.username;
  const name = input.value.trim().toLowerCase();
  if (!name) {
    fieldError(facilitatorForm, input, t("form.required"));
    input.focus();
    return;
  }
  try {
    await api(groupPath(`/facilitators/${enc(name)}`), { method: "PUT", body: {} });
    say(t("console.facilitator_added", { name }));
    input.value = "";
    await loadFacilitators();
  } catch (error) {
    if (error.status === 404) error.fields = { username: t("console.no_such_user") };
    showErrors(facilitatorForm, error);
  }
});

inviteForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(inviteForm);
  const el = inviteForm.elements;
  const body = {};
  if (el.max_uses.value) body.max_uses = Number(el.max_uses.value);
  if (el.expires_at.value) body.expires_at = new Date(el.expires_at.value).toISOString();
  try {
    const invite = await api(groupPath("/invites"), { method: "POST", body });
    const url = new URL(invite.url || `/g/${enc(current.id)}#invite=${enc(invite.code)}`, window.location.origin);
    $("#new-invite-url").value = url.href;
    $("#copy-status").textContent = "";
    show($("#new-invite"), true);
    inviteForm.reset();
    $("#new-invite-url").focus();
    $("#new-invite-url").select();
    await loadInvites();
  } catch (error) {
    showErrors(inviteForm, error);
  }
});

$("#copy-invite").addEventListener("click", async () => {
  const input = $("#new-invite-url");
  try {
    await navigator.clipboard.writeText(input.value);
    $("#copy-status").textContent = t("invite.copied");
  } catch {
    input.focus();
    input.select();
    $("#copy-status").textContent = t("invite.copy_manually");
  }
});

resourceForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(resourceForm);
  const el = resourceForm.elements;
  const body = { title: el.title.value.trim(), url: el.url.value.trim(), kind: el.kind.value };
  let missing = false;
  for (const name of ["title", "url"]) {
    if (!body[name]) {
      fieldError(resourceForm, el[name], t("form.required"));
      missing = true;
    }
  }
  if (!missing && !/^https?:\/\//i.test(body.url)) {
    fieldError(resourceForm, el.url, t("resource.bad_url"));
    missing = true;
  }
  if (missing) {
    resourceForm.querySelector("[aria-invalid]").focus();
    return;
  }
  try {
    await api(groupPath("/resources"), { method: "POST", body });
    say(t("console.resource_added", { title: body.title }));
    resourceForm.reset();
    await loadResources();
  } catch (error) {
    showErrors(resourceForm, error);
  }
});

$("#logout").addEventListener("click", async () => {
  await api("/api/auth/logout", { method: "POST", body: {} }).catch(() => null);
  window.location.assign("/login");
});

document.addEventListener("langchange", () => {
  renderGroupList();
  renderDetail();
  for (const render of Object.values(RENDER)) if (current) render();
  if (editing) {
    $("#editor-title").textContent = t(editing === "edit" ? "console.edit" : "console.new_group");
    $("#group-save").textContent = t(editing === "edit" ? "console.save" : "console.create");
  }
  if (user) $("#who-role").textContent = t(`role.${user.role}`);
});

async function start() {
  user = await currentUser();
  if (!user) {
    window.location.assign(`/login?next=${enc("/console")}`);
    return;
  }
  fillZones();
  $("#who").textContent = user.username;
  $("#who-role").textContent = t(`role.${user.role}`);
  // Facilitators may read their groups; only organisers change them.
  for (const el of document.querySelectorAll("#new-group, .organiser-only")) {
    show(el, user.role === "organiser");
  }
  show($("#page-status"), false);
  show($("#console"), true);
  try {
    await loadGroups();
  } catch (error) {
    say(error.message);
  }
  if (groups.length) await selectGroup(groups[0].id);
  else show($("#console-empty"), true);
}

start();
