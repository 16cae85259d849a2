// /console: the organiser's groups, meetings, facilitators, invites, resources and formats.
// Each panel is a module in console/; this entry wires them together and starts.

import { api, currentUser } from "../api.js";
import { $, show } from "../dom.js";
import { t } from "../i18n.js";
import { initPage } from "../shell.js";
import * as facilitators from "./console/facilitators.js";
import * as formats from "./console/formats.js";
import { labelEditor, loadGroups, renderDetail, renderGroupList, selectGroup, wireGroups } from "./console/groups.js";
import * as invites from "./console/invites.js";
import * as keepOuts from "./console/keep-outs.js";
import * as meetings from "./console/meetings.js";
import * as resources from "./console/resources.js";
import * as stats from "./console/stats.js";
import { enc, say, state } from "./console/state.js";
import { fillZones } from "./console/zones.js";

const LISTS = [meetings, facilitators, invites, resources, formats, keepOuts, stats];

initPage();
wireGroups();
for (const panel of LISTS) panel.wire();

$("#logout").addEventListener("click", async () => {
  await api("/api/auth/logout", { method: "POST", body: {} }).catch(() => null);
  window.location.assign("/login");
});

document.addEventListener("langchange", () => {
  renderGroupList();
  renderDetail();
  for (const panel of LISTS) if (state.current) panel.render();
  if (state.editing) labelEditor();
  if (state.user) $("#who-role").textContent = t(`role.${state.user.role}`);
});

async function start() {
  state.user = await currentUser();
  if (!state.user) {
    window.location.assign(`/login?next=${enc("/console")}`);
    return;
  }
  fillZones();
  $("#who").textContent = state.user.username;
  $("#who-role").textContent = t(`role.${state.user.role}`);
  // Facilitators may read their groups; only organisers change them.
  for (const el of document.querySelectorAll("#new-group, .organiser-only")) {
    show(el, state.user.role === "organiser");
  }
  show($("#page-status"), false);
  show($("#console"), true);
  try {
    await loadGroups();
  } catch (error) {
    say(error.message);
  }
  if (state.groups.length) await selectGroup(state.groups[0].id);
  else show($("#console-empty"), true);
}

start();
