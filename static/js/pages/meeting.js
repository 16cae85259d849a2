// /m/{meeting_id}: the join form, the waiting room, the room, and the end.

import { api, ApiError, clearErrors, currentUser, fieldError } from "../api.js";
import { $, show } from "../dom.js";
import { FacilitatorControls } from "../facilitator.js";
import { getLang, t } from "../i18n.js";
import { pseudonymProblem, suggestPseudonym } from "../names.js";
import { RoomClient } from "../room-client.js";
import { errorText, resourceItems, RoomView } from "../room-view.js";
import { initPage, pathId, recallInvite, rememberInvite, takeInvite } from "../shell.js";
import { formatRange, relative } from "../time.js";

initPage();

const meetingId = pathId();
const VIEWS = ["join-view", "waiting-view", "room-view", "ended-view", "problem-view"];
const form = $("#join-form");
const pseudonymInput = $("#pseudonym");
const inviteInput = $("#invite");
const pageStatus = $("#page-status");

let meeting = null;
let client = null;
const view = new RoomView($("#room-view"));
let suggestion = "";

/** Shows one view; after the first, moves focus to its heading for screen readers. */
function showView(id) {
  const first = VIEWS.every((name) => $(`#${name}`).hidden);
  for (const name of VIEWS) show($(`#${name}`), name === id);
  show(pageStatus, false);
  const heading = $(`#${id} h1`);
  if (heading && !first) {
    heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: false });
  }
}

function problem(titleKey, text) {
  if (client) client.finish();
  view.clear();
  $("#problem-title").textContent = t(titleKey);
  $("#problem-text").textContent = text;
  document.title = `${t(titleKey)} · Hearth`;
  showView("problem-view");
}

// The meeting's public view --------------------------------------------------

const STATUS_KEYS = {
  open: "status.open",
  ended: "status.ended",
  cancelled: "status.cancelled",
};

function renderJoin() {
  if (!meeting) return;
  const group = meeting.group || {};
  $("#join-title").textContent = meeting.title || group.name || "";
  $("#join-group").textContent = group.name || "";
  $("#join-when").textContent = formatRange(meeting.starts_at, meeting.ends_at);
  const state = $("#join-state");
  state.textContent =
    meeting.status === "scheduled"
      ? t("status.opens", { when: relative(meeting.opens_at || meeting.starts_at) })
      : t(STATUS_KEYS[meeting.status] || "status.open");
  state.dataset.status = meeting.status;
  $("#join-guidelines").textContent = group.guidelines || t("join.default_guidelines");
  // The server's own sentence names the exact retention, in English; other languages
  // get the same promise from the translations.
  const retention = getLang() === "en" && meeting.retention ? meeting.retention : t("join.retention");
  $("#join-retention").textContent = retention;
  show($("#invite-field"), Boolean(meeting.invite_required));
  for (const list of ["#join-resources", "#ended-resources", "#problem-resources"]) {
    $(list).replaceChildren(...resourceItems(meeting.resources || []));
  }
  document.title = `${meeting.title || group.name || t("title.meeting")} · Hearth`;
}

async function load() {
  const fromLink = takeInvite(`m.${meetingId}`);
  try {
    meeting = await api(`/api/meetings/${encodeURIComponent(meetingId)}/public`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      problem("problem.not_found", t("problem.not_found_text"));
    } else {
      problem("problem.load", error.message);
    }
    return;
  }
  const groupId = meeting.group && meeting.group.id;
  const invite = fromLink || (groupId ? recallInvite(groupId) : "");
  if (invite) inviteInput.value = invite;
  renderJoin();
  if (meeting.status === "ended" || meeting.status === "cancelled") {
    $("#ended-text").textContent = t(meeting.status === "cancelled" ? "ended.cancelled" : "ended.over");
    showView("ended-view");
    return;
  }
  showView("join-view");
  const user = await currentUser();
  show($("#join-facilitator"), Boolean(user));
}

// Joining --------------------------------------------------------------------

function validate() {
  clearErrors(form);
  const problemKey = pseudonymProblem(pseudonymInput.value);
  if (problemKey) {
    fieldError(form, pseudonymInput, t(problemKey));
    return false;
  }
  if (meeting.invite_required && !inviteInput.value.trim()) {
    fieldError(form, inviteInput, t("join.invite_missing"));
    return false;
  }
  return true;
}

pseudonymInput.addEventListener("input", () => {
  // Tell people as they type, but only once there is something to say.
  const key = pseudonymProblem(pseudonymInput.value);
  if (key) fieldError(form, pseudonymInput, t(key));
  else clearErrors(form);
});

$("#suggest").addEventListener("click", () => {
  suggestion = suggestPseudonym(getLang(), pseudonymInput.value);
  pseudonymInput.value = suggestion;
  clearErrors(form);
  pseudonymInput.focus();
});

form.addEventListener("submit", (event) => {
  event.preventDefault();
  if (validate()) join({});
});

$("#join-facilitator").addEventListener("click", async () => {
  if (!validate()) return;
  try {
    const { token } = await api(`/api/meetings/${encodeURIComponent(meetingId)}/facilitator-token`, {
      method: "POST",
      body: {},
    });
    join({ facilitator_token: token });
  } catch (error) {
    const summary = $(".form-summary", form);
    summary.textContent = error.status === 403 ? t("join.not_facilitator") : error.message;
    summary.hidden = false;
    summary.focus();
  }
});

function setBusy(busy) {
  for (const button of form.querySelectorAll("button")) button.disabled = busy;
  pageStatus.textContent = busy ? t("status.joining") : "";
  show(pageStatus, busy);
}

function join(extra) {
  if (client) client.abandon();
  const hello = { ...extra };
  const pseudonym = pseudonymInput.value.trim();
  if (pseudonym) hello.pseudonym = pseudonym;
  const invite = inviteInput.value.trim();
  if (invite && !extra.facilitator_token) {
    hello.invite = invite;
    rememberInvite(`m.${meetingId}`, invite);
  }
  setBusy(true);
  client = new RoomClient(meetingId, hello);
  view.attach(client);
  client.addEventListener("welcome", (e) => onWelcome(e.detail));
  client.addEventListener("waiting", (e) => {
    setBusy(false);
    $("#waiting-name").textContent = t("waiting.name", { name: e.detail.you?.pseudonym || "" });
    showView("waiting-view");
  });
  client.addEventListener("joinerror", (e) => onJoinError(e.detail));
  client.addEventListener("fatal", (e) => onFatal(e.detail));
  client.addEventListener("event", (e) => {
    if (e.detail.type === "meeting_ended") ended();
  });
  client.connect();
}

function onWelcome(frame) {
  setBusy(false);
  const wasIn = !$("#room-view").hidden;
  if (frame.you.role === "facilitator" && !view.facilitator) {
    view.facilitator = new FacilitatorControls($("#room-view"), view);
    view.facilitator.onWelcome(frame);
    view.renderAll();
  }
  $("#room-view").classList.toggle("as-facilitator", frame.you.role === "facilitator");
  document.title = `${frame.meeting?.title || meeting.title || ""} · Hearth`;
  if (!wasIn) showView("room-view");
}

function onJoinError({ code, message }) {
  setBusy(false);
  showView("join-view");
  if (code === "pseudonym_taken" || code === "pseudonym_invalid") {
    fieldError(form, pseudonymInput, t(`error.${code}`));
    pseudonymInput.focus();
  } else if (code === "invite_required" || code === "invite_invalid") {
    show($("#invite-field"), true);
    fieldError(form, inviteInput, t(`error.${code}`));
    inviteInput.focus();
  } else {
    const summary = $(".form-summary", form);
    summary.textContent = errorText(code, message);
    summary.hidden = false;
  }
}

/** Refusals someone can simply try again later stay on the join form. */
const TRY_LATER = {
  meeting_not_open: "problem.not_open_text",
  room_locked: "problem.locked_text",
  room_full: "problem.full_text",
};

function onFatal({ code, message }) {
  setBusy(false);
  if (code === "meeting_ended") {
    ended();
    return;
  }
  if (code in TRY_LATER && $("#room-view").hidden) {
    showView("join-view");
    const summary = $(".form-summary", form);
    summary.textContent = code === "meeting_not_open" && message ? message : t(TRY_LATER[code]);
    summary.hidden = false;
    summary.focus();
    return;
  }
  if (code === "removed") problem("problem.removed", t("problem.removed_text"));
  else if (code === "denied") problem("problem.denied", t("problem.denied_text"));
  else if (code === "meeting_not_found") problem("problem.not_found", t("problem.not_found_text"));
  else problem("problem.load", errorText(code, message));
}

function ended() {
  if (client) client.finish();
  view.clear(); // the conversation leaves the page with the meeting
  $("#ended-text").textContent = t("ended.text");
  showView("ended-view");
}

function leave() {
  if (client) client.leave();
  view.clear();
  $("#ended-title").textContent = t("ended.left");
  $("#ended-text").textContent = t("ended.left_text");
  showView("ended-view");
}

$("#leave").addEventListener("click", leave);
$("#waiting-leave").addEventListener("click", leave);

document.addEventListener("langchange", () => {
  renderJoin();
  if (!pseudonymInput.value || pseudonymInput.value === suggestion) return;
  const key = pseudonymProblem(pseudonymInput.value);
  if (key) fieldError(form, pseudonymInput, t(key));
});

load();
