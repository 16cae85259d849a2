// /m/{meeting_id}: the join form, the waiting room, the room, and the end.
//
// A reload (or a crashed tab, or a phone that dropped the page) comes back as the same
// participant: session.js keeps this tab's resume token in sessionStorage, and the
// page resumes with it instead of showing the join form.

import { api, ApiError, clearErrors, currentUser, fieldError } from "../api.js";
import { $, h, show } from "../dom.js";
import { followRole, matchRole } from "../chair.js";
import { getLang, t } from "../i18n.js";
import { pseudonymProblem, suggestPseudonym } from "../names.js";
import { Polls } from "../polls.js";
import { Commitments } from "../commitments.js";
import { deviceFor } from "../device.js";
import { RoomClient } from "../room-client.js";
import { errorText, resourceItems, RoomView } from "../room-view.js";
import { forget, keep, recall } from "../session.js";
import { initPage, pathId, recallInvite, rememberInvite, takeInvite } from "../shell.js";
import { formatRange, formatTime, formatWhen, relative } from "../time.js";

initPage();

const meetingId = pathId();
const VIEWS = ["join-view", "waiting-view", "room-view", "ended-view", "problem-view"];
const form = $("#join-form");
const pseudonymInput = $("#pseudonym");
const inviteInput = $("#invite");
const pageStatus = $("#page-status");

let meeting = null;
let device = null; // this browser's value for this meeting's group (device.js)
let client = null;
const view = new RoomView($("#room-view"));
const polls = new Polls($("#room-view"), view);
const commitments = new Commitments($("#room-view"), view); // kept in this browser, never sent
let suggestion = "";
let opensTimer = null;
let busy = false;

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

/** When the room opens, relative and as a local time: "in 2 hours, at 18:45". */
function opensText(at) {
  const sameDay = new Date(at).toDateString() === new Date().toDateString();
  return t("join.opens_at", { when: relative(at), time: sameDay ? formatTime(at) : formatWhen(at) });
}

/** Join is offered only once the room is open; before, the page says when it opens. */
function renderOpening() {
  const scheduled = meeting.status === "scheduled";
  const at = meeting.opens_at || meeting.starts_at;
  const state = $("#join-state");
  state.textContent = scheduled ? opensText(at) : t(STATUS_KEYS[meeting.status] || "status.open");
  state.dataset.status = meeting.status;
  $("#join-not-yet").textContent = scheduled ? t("join.not_yet", { time: formatWhen(at) }) : "";
  show($("#join-not-yet"), scheduled);
  for (const id of ["#join-button", "#join-facilitator"]) {
    const button = $(id);
    if (busy) continue; // a join under way
    button.disabled = scheduled;
    if (scheduled) button.setAttribute("aria-describedby", "join-not-yet");
    else button.removeAttribute("aria-describedby");
  }
}

/** Keeps "opens in …" fresh, and asks the server again once the time has come. */
function watchOpening() {
  window.clearTimeout(opensTimer);
  if (!meeting || meeting.status !== "scheduled") return;
  const left = Date.parse(meeting.opens_at || meeting.starts_at) - Date.now();
  const wait = left <= 0 ? 5000 : Math.min(left + 500, 60000);
  opensTimer = window.setTimeout(async () => {
    if (Date.parse(meeting.opens_at || meeting.starts_at) <= Date.now()) {
      try {
        const fresh = await api(`/api/meetings/${encodeURIComponent(meetingId)}/public`);
        if (fresh.status !== meeting.status) {
          meeting = fresh;
          renderJoin();
          if (meeting.status === "open") announceOpen();
        }
      } catch {
        // Try again at the next tick.
      }
    }
    renderOpening();
    watchOpening();
  }, wait);
}

function announceOpen() {
  const summary = $(".form-summary", form);
  summary.textContent = t("join.now_open");
  summary.hidden = false;
}

function renderJoin() {
  if (!meeting) return;
  const group = meeting.group || {};
  $("#join-title").textContent = meeting.title || group.name || "";
  $("#join-group").textContent = group.name || "";
  $("#join-when").textContent = formatRange(meeting.starts_at, meeting.ends_at);
  renderOpening();
  const guidelines = group.guidelines || t("join.default_guidelines");
  $("#join-guidelines").textContent = guidelines;
  $("#waiting-guidelines").textContent = guidelines;
  // The server's own sentence names the exact retention, in English; other languages
  // get the same promise from the translations.
  const retention = getLang() === "en" && meeting.retention ? meeting.retention : t("join.retention");
  $("#join-retention").textContent = retention;
  show($("#invite-field"), Boolean(meeting.invite_required));
  for (const list of ["#join-resources", "#waiting-resources", "#ended-resources", "#problem-resources"]) {
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
  device = await deviceFor(groupId);
  const invite = fromLink || (groupId ? recallInvite(groupId) : "");
  if (invite) inviteInput.value = invite;
  renderJoin();
  if (meeting.status === "ended" || meeting.status === "cancelled") {
    forget(meetingId);
    $("#ended-text").textContent = t(meeting.status === "cancelled" ? "ended.cancelled" : "ended.over");
    showView("ended-view");
    return;
  }
  const session = await recall(meetingId);
  if (session) {
    resume(session);
  } else {
    showView("join-view");
    watchOpening();
  }
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

/** The room's language: an Arabic group's names are Arabic, whatever the page's language. */
function roomLanguage() {
  return meeting?.group?.language || getLang();
}

$("#suggest").addEventListener("click", () => {
  suggestion = suggestPseudonym(roomLanguage(), pseudonymInput.value);
  pseudonymInput.value = suggestion;
  clearErrors(form);
  pseudonymInput.focus();
});

form.addEventListener("submit", (event) => {
  event.preventDefault();
  if (meeting?.status === "scheduled") return; // not open yet: Join is disabled
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

function setBusy(on, key = "status.joining") {
  busy = on;
  for (const button of form.querySelectorAll("button")) button.disabled = on;
  pageStatus.textContent = on ? t(key) : "";
  show(pageStatus, on);
  if (!on && meeting) renderOpening();
}

function join(extra) {
  const hello = { ...extra };
  if (device) hello.device = device;
  const pseudonym = pseudonymInput.value.trim();
  if (pseudonym) hello.pseudonym = pseudonym;
  const invite = inviteInput.value.trim();
  if (invite && !extra.facilitator_token) {
    hello.invite = invite;
    rememberInvite(`m.${meetingId}`, invite);
  }
  setBusy(true);
  start(hello, null);
}

/** Comes back as the participant this tab was before the reload. */
function resume(session) {
  setBusy(true, "status.rejoining");
  start(device ? { device } : {}, session);
}

function start(hello, session) {
  if (client) client.abandon();
  window.clearTimeout(opensTimer);
  client = new RoomClient(meetingId, hello, {
    session,
    keep: (fields) => keep(meetingId, fields),
    forget: () => forget(meetingId),
  });
  view.attach(client);
  client.addEventListener("resumefailed", () => onResumeFailed(session));
  client.addEventListener("fresh", () => view.conversation.forgetOwnReactions());
  client.addEventListener("welcome", (e) => onWelcome(e.detail));
  client.addEventListener("welcome", (e) => polls.onWelcome(e.detail));
  client.addEventListener("welcome", (e) => commitments.onWelcome(e.detail));
  client.addEventListener("waiting", (e) => {
    setBusy(false);
    // The name in its own direction (an Arabic name in an English sentence, or the reverse).
    const [before, after = ""] = t("waiting.name", { name: "\u0000" }).split("\u0000");
    $("#waiting-name").replaceChildren(before, h("bdi", { text: e.detail.you?.pseudonym || "" }), after);
    showView("waiting-view");
  });
  client.addEventListener("joinerror", (e) => onJoinError(e.detail));
  client.addEventListener("fatal", (e) => onFatal(e.detail));
  client.addEventListener("event", (e) => {
    if (e.detail.type === "meeting_ended") ended();
    polls.onEvent(e.detail);
    commitments.onEvent(e.detail);
    if (e.detail.type === "whisper" && !$("#waiting-view").hidden) waitingWhisper(e.detail);
    followRole(view, $("#room-view"), e.detail);
  });
  client.connect();
}

/** A facilitator's private word to someone in the waiting room ("we start in two minutes"). */
function waitingWhisper(event) {
  $("#waiting-whispers").append(
    h(
      "li",
      { class: "msg whisper" },
      h("p", { class: "msg-head" }, h("span", { class: "badge private", text: t("whisper.from", { name: event.pseudonym }) })),
      h("p", { class: "msg-text", dir: "auto", text: event.text }),
    ),
  );
}

/** Too late to come back as before: forget it, and offer the join form again. */
function onResumeFailed(session) {
  setBusy(false);
  forget(meetingId);
  view.clear();
  if (session?.pseudonym && !pseudonymInput.value) pseudonymInput.value = session.pseudonym;
  showView("join-view");
  watchOpening();
  const summary = $(".form-summary", form);
  summary.textContent = t("join.resume_failed");
  summary.hidden = false;
  summary.focus();
}

function onWelcome(frame) {
  setBusy(false);
  const wasIn = !$("#room-view").hidden;
  if ((frame.you.role === "facilitator") !== Boolean(view.facilitator)) matchRole(view, $("#room-view"), frame);
  if (frame.you.role === "facilitator") polls.enableStarting();
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
  const days = meeting?.keep_out_days || 0;
  const kept = (key) => t(days === 1 ? `${key}_one` : key, { days });
  if (code === "removed") {
    problem("problem.removed", device && days ? kept("problem.removed_kept_text") : t("problem.removed_text"));
  } else if (code === "banned") problem("problem.banned", kept("problem.banned_text"));
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
  forget(meetingId); // leaving on purpose: a reload shows the join form
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
