// The conversation in the room's log: messages, shares set apart, reactions,
// reports and deletions, and short system lines. Pseudonyms and message text go in
// through textContent only, with dir="auto".

import { h } from "./dom.js";
import { formatNumber, t } from "./i18n.js";
import { formatTime } from "./time.js";

// The server's set (rooms/protocol.py REACTIONS); an unknown one arriving is added.
const REACTIONS = ["❤️", "👏", "🙏", "🤗", "💪", "🌱"];
const REACTION_NAMES = {
  "❤️": "reaction.heart",
  "👏": "reaction.clap",
  "🙏": "reaction.thanks",
  "🤗": "reaction.hug",
  "💪": "reaction.strength",
  "🌱": "reaction.growth",
};
export const REPORT_REASONS = ["harmful", "identifying", "spam", "other"];

export class Conversation {
  /** `room` gives `you`, `run(type, fields)` and, for facilitators, `facilitator`. */
  constructor(log, room) {
    this.log = log;
    this.room = room;
    this.reactions = [...REACTIONS];
    this.messages = new Map(); // message_id -> entry
  }

  nearBottom() {
    const log = this.log;
    return log.scrollHeight - log.scrollTop - log.clientHeight < 80;
  }

  append(li) {
    const stick = this.nearBottom();
    this.log.append(li);
    if (stick) this.log.scrollTop = this.log.scrollHeight;
  }

  system(text, event) {
    this.append(
      h(
        "li",
        { class: "system" },
        h("span", { text }),
        event && event.at ? h("time", { datetime: event.at, text: formatTime(event.at) }) : null,
      ),
    );
  }

  add(message) {
    if (!message.message_id || this.messages.has(message.message_id)) return;
    const you = this.room.you;
    const mine = you && message.participant_id === you.id;
    const li = h("li", {
      class: ["msg", message.share ? "share" : "", mine ? "mine" : ""].filter(Boolean).join(" "),
      dataset: { messageId: message.message_id },
    });
    const head = h(
      "p",
      { class: "msg-head" },
      h("span", { class: "msg-author", dir: "auto", text: message.pseudonym }),
      message.share ? h("span", { class: "badge share", text: t("message.share") }) : null,
      message.at ? h("time", { datetime: message.at, text: formatTime(message.at) }) : null,
    );
    const body = h("p", { class: "msg-text", dir: "auto", text: message.text });
    const actions = h("div", { class: "msg-actions" });
    li.append(head, body, actions);
    const entry = { li, body, actions, data: message, counts: new Map(), buttons: new Map(), deleted: false };
    this.messages.set(message.message_id, entry);
    this.renderActions(entry);
    this.append(li);
  }

  /** Rebuilds every message's buttons (a language change, or facilitator tools arriving). */
  renderAllActions() {
    for (const entry of this.messages.values()) this.renderActions(entry);
  }

  renderActions(entry) {
    const { actions, data } = entry;
    entry.buttons.clear();
    if (entry.deleted) {
      actions.replaceChildren();
      return;
    }
    const reactions = h(
      "div",
      { class: "reactions", role: "group", "aria-label": t("message.react_group") },
      ...this.reactions.map((emoji) => this.reactionButton(entry, emoji)),
    );
    const you = this.room.you;
    const report =
      you && data.participant_id === you.id
        ? null
        : h("button", {
            type: "button",
            class: "link-button",
            text: t("message.report"),
            "aria-expanded": "false",
            onclick: (event) => this.openReport(entry, event.currentTarget),
          });
    const extra = this.room.facilitator ? this.room.facilitator.messageActions(entry) : [];
    actions.replaceChildren(reactions, report || "", ...extra);
  }

  reactionButton(entry, emoji) {
    const button = h(
      "button",
      {
        type: "button",
        class: "reaction",
        onclick: () => this.room.run("react", { message_id: entry.data.message_id, emoji }),
      },
      h("span", { "aria-hidden": "true", text: emoji }),
    );
    const count = h("span", { class: "count", "aria-hidden": "true" });
    button.append(count);
    entry.buttons.set(emoji, { button, count });
    this.showCount(entry, emoji);
    return button;
  }

  /** Updates one reaction button in place, so keyboard focus stays on it. */
  showCount(entry, emoji) {
    const parts = entry.buttons.get(emoji);
    if (!parts) return;
    const n = entry.counts.get(emoji) || 0;
    const label = t(REACTION_NAMES[emoji] || "reaction.other", { emoji });
    parts.count.textContent = n ? formatNumber(n) : "";
    parts.button.title = label;
    parts.button.setAttribute(
      "aria-label",
      n ? t("message.react_count", { label, n: formatNumber(n) }) : label,
    );
  }

  setReaction(messageId, emoji, count) {
    const entry = this.messages.get(messageId);
    if (!entry) return;
    entry.counts.set(emoji, count);
    if (this.reactions.includes(emoji)) {
      this.showCount(entry, emoji);
    } else {
      this.reactions = [...this.reactions, emoji];
      this.renderAllActions();
    }
  }

  openReport(entry, button) {
    const existing = entry.li.querySelector(".report-form");
    if (existing) {
      existing.remove();
      button.setAttribute("aria-expanded", "false");
      return;
    }
    button.setAttribute("aria-expanded", "true");
    const id = `report-${entry.data.message_id}`;
    const select = h(
      "select",
      { id, name: "reason" },
      ...REPORT_REASONS.map((reason) => h("option", { value: reason, text: t(`report.${reason}`) })),
    );
    const close = () => {
      form.remove();
      button.setAttribute("aria-expanded", "false");
      button.focus();
    };
    const form = h(
      "form",
      { class: "report-form" },
      h("label", { for: id, text: t("report.label") }),
      select,
      h("button", { type: "submit", class: "secondary", text: t("report.send") }),
      h("button", { type: "button", class: "link-button", text: t("action.cancel"), onclick: close }),
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const ok = await this.room.run("report", { message_id: entry.data.message_id, reason: select.value });
      if (ok) {
        form.replaceChildren(h("p", { class: "note", role: "status", text: t("report.thanks") }));
        button.setAttribute("aria-expanded", "false");
        window.setTimeout(() => form.remove(), 4000);
      }
    });
    entry.li.append(form);
    select.focus();
  }

  remove(messageId) {
    const entry = this.messages.get(messageId);
    if (!entry || entry.deleted) return;
    entry.deleted = true;
    entry.li.classList.add("deleted");
    entry.body.textContent = t("message.deleted");
    entry.body.removeAttribute("dir");
    const form = entry.li.querySelector(".report-form");
    if (form) form.remove();
    this.renderActions(entry);
  }

  /** Forgets everything said (the meeting ended, or we left or were removed). */
  clear() {
    this.log.replaceChildren();
    this.messages.clear();
  }
}
