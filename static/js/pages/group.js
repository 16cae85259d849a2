// /g/{group_id}#invite=CODE: an invite link. Shows the group's next meetings and
// carries the invite to the join page in this tab's sessionStorage and in the
// join link's fragment, never in a URL the server sees.

import { api } from "../api.js";
import { $, h, show } from "../dom.js";
import { t } from "../i18n.js";
import { isInviteOnly, languageName, meetingItem, meetingsOf } from "../listing.js";
import { renderKeptCommitment } from "../kept-commitment.js";
import { initPage, pathId, takeInvite } from "../shell.js";
import { viewerZone } from "../time.js";

initPage();

const groupId = pathId();
const invite = takeInvite(groupId);
let group = null;

/** The group's public view, from its own endpoint or else from the catalogue. */
async function fetchGroup() {
  try {
    return await api(`/api/groups/${encodeURIComponent(groupId)}/public`);
  } catch {
    const listed = await api("/api/catalogue");
    return listed.find((g) => g.id === groupId) || null;
  }
}

function joinHref(meeting) {
  const base = `/m/${encodeURIComponent(meeting.id)}`;
  return invite ? `${base}#invite=${encodeURIComponent(invite)}` : base;
}

function render() {
  if (!group) return;
  const closed = isInviteOnly(group);
  $("#group-name").textContent = group.name;
  $("#group-description").textContent = group.description || "";
  const access = $("#group-access");
  access.textContent = closed ? t("group.invite_only") : t("group.open");
  access.className = closed ? "badge invite" : "badge open";
  const language = $("#group-language");
  language.textContent = group.language ? languageName(group.language) : "";
  show(language, Boolean(group.language));
  show($("#invite-banner"), Boolean(invite));
  $("#group-zone").textContent = t("catalogue.zone", { zone: viewerZone() });
  const meetings = meetingsOf(group);
  const canJoin = !closed || Boolean(invite);
  $("#group-meetings").replaceChildren(
    ...meetings.map((meeting) =>
      meetingItem(group, meeting, canJoin ? joinHref(meeting) : null, t("group.need_invite")),
    ),
  );
  if (meetings.length === 0) {
    $("#group-meetings").append(h("li", { class: "note", text: t("catalogue.no_meetings") }));
  }
  const calendar = group.calendar_url || (group.listed !== false ? `/groups/${encodeURIComponent(groupId)}/calendar.ics` : "");
  $("#group-calendar").replaceChildren(
    calendar ? h("a", { href: calendar, text: t("catalogue.calendar") }) : "",
  );
  renderKeptCommitment(groupId);
  document.title = `${group.name} · Hearth`;
}

async function load() {
  try {
    group = await fetchGroup();
  } catch {
    group = null;
  }
  show($("#page-status"), false);
  if (!group) {
    show($("#group-missing"), true);
    return;
  }
  show($("#group-view"), true);
  render();
}

document.addEventListener("langchange", render);
load();
