// One alert in the facilitators' list, drawn from the room's shared alert (the
// `alert` event or welcome.alerts): who it is about, who is taking care of it, and
// what can be done about it from here.

import { h } from "./dom.js";
import { t } from "./i18n.js";
import { formatTime } from "./time.js";
import { REPORT_REASONS } from "./conversation.js";
import { removePerson } from "./people-panel.js";

const button = (text, label, run, cls = "small secondary") =>
  h("button", { type: "button", class: cls, text, "aria-label": label || null, onclick: run });

/** "Claimed by …" (or by you), or nothing while nobody has claimed it. */
export function claimStatus(view, alert) {
  if (!alert?.claimed_by) return null;
  const mine = alert.claimed_by === view.you?.id;
  return h("p", {
    class: "note claimed",
    text: mine ? t("alerts.claimed_by_you") : t("alerts.claimed_by", { name: view.nameOf(alert.claimed_by) }),
  });
}

function claimButton(view, alert, name) {
  if (alert.claimed_by && alert.claimed_by === view.you?.id) return null;
  return button(t("alerts.claim"), t("alerts.claim_name", { name }), () => view.run("claim_alert", { alert_id: alert.id }));
}

function doneButton(panel, alert, name) {
  return button(t("alerts.done"), t("alerts.done_name", { name }), () => panel.done(alert), "small link-button");
}

function when(alert) {
  return alert.at ? h("time", { datetime: alert.at, text: formatTime(alert.at) }) : null;
}

export function helpItem(panel, alert) {
  const { view } = panel;
  const name = alert.pseudonym;
  const here = view.participants.has(alert.participant_id);
  const item = h(
    "li",
    { class: "alert help", dataset: { alertId: alert.id } },
    h("p", { class: "alert-head" }, h("strong", { text: t("alerts.help") }), " ", when(alert)),
    h("p", {}, h("span", { dir: "auto", class: "name", text: name })),
    alert.note ? h("p", { class: "quote", dir: "auto", text: alert.note }) : null,
    claimStatus(view, alert),
  );
  item.append(
    h(
      "div",
      { class: "alert-actions" },
      here
        ? button(t("whisper.answer"), t("whisper.answer_name", { name }), () => panel.answerForm(alert.id, alert, item), "small")
        : null,
      claimButton(view, alert, name),
      doneButton(panel, alert, name),
    ),
  );
  const form = panel.forms.get(alert.id);
  if (form) item.append(form);
  return item;
}

/** Who wrote a reported message, from the conversation (and whether they are still here). */
export function authorOf(view, alert) {
  const entry = view.conversation.messages.get(alert.message_id);
  const id = entry?.data?.participant_id || alert.participant_id;
  const present = id ? view.participants.get(id) : undefined;
  return {
    entry,
    person: present,
    name: entry?.data?.pseudonym || alert.pseudonym || (present ? present.pseudonym : t("room.someone")),
  };
}

export function reportItem(panel, alert) {
  const { view } = panel;
  const reason = REPORT_REASONS.includes(alert.note) ? t(`report.${alert.note}`) : alert.note;
  const { entry, person, name } = authorOf(view, alert);
  const removable = entry && !entry.deleted;
  const attendee = person && person.role !== "facilitator";
  return h(
    "li",
    { class: "alert report", dataset: { alertId: alert.id } },
    h(
      "p",
      { class: "alert-head" },
      h("strong", { text: t("alerts.report") }),
      " ",
      when(alert),
      alert.count > 1 ? h("span", { class: "count", text: ` ${t("alerts.reported_by", { count: alert.count })}` }) : null,
    ),
    h(
      "p",
      { class: "author" },
      ...withName(t("alerts.message_by", { name: "\u0000" }), h("span", { class: "name", dir: "auto", text: name })),
      person ? null : h("span", { class: "note", text: ` ${t("alerts.author_gone")}` }),
    ),
    h("p", { class: "quote", dir: "auto", text: alert.text || "" }),
    h("p", {}, t("alerts.reason"), " ", h("span", { dir: "auto", text: reason || "" })),
    removable ? null : h("p", { class: "note", text: t("alerts.already_removed") }),
    claimStatus(view, alert),
    h(
      "div",
      { class: "alert-actions" },
      claimButton(view, alert, name),
      attendee
        ? button(
            person.muted ? t("participant.unmute") : t("participant.mute"),
            t(person.muted ? "participant.unmute_name" : "participant.mute_name", { name }),
            () => view.run(person.muted ? "unmute" : "mute", { participant_id: person.id }),
          )
        : null,
      attendee
        ? button(t("participant.remove"), t("participant.remove_name", { name }), () => removePerson(view, person), "small danger")
        : null,
      removable
        ? button(t("message.delete"), t("alerts.delete_name", { name }), () => view.run("delete", { message_id: alert.message_id }), "small danger")
        : null,
      doneButton(panel, alert, name),
    ),
  );
}

/** A translated sentence with a node where its "\u0000" stands for the name. */
function withName(sentence, node) {
  const [before, after = ""] = sentence.split("\u0000");
  return [before, node, after];
}
