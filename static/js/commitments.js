// A commitment for the week, kept only in this browser. A closing part that invites one
// (`invite_commitment`) offers each attendee a private card to write it; the next time
// this browser joins a meeting of the same group, the card asks "How did it go?".
// Nothing here talks to the server: the text lives in localStorage under
// `hearth.commitment.{group_id}` and in this card, and goes into no frame or request,
// so the people who run Hearth never hold what anyone promised themselves.

import { $, announce, h, show } from "./dom.js";
import { formatNumber, t } from "./i18n.js";

export const MAX_LENGTH = 500;
const KEY = "hearth.commitment.";
const KEPT = "hearth.commitment.kept."; // sessionStorage: "Keep it" pressed in this meeting

/** The browser's storage, or null: private modes may refuse it, or throw on touching it. */
function store(kind = "localStorage") {
  try {
    const s = window[kind];
    s.setItem(`${KEY}probe`, "1");
    s.removeItem(`${KEY}probe`);
    return s;
  } catch {
    return null;
  }
}

/** What this browser keeps for the group: {text, saved_at, meeting_id}, or null. */
export function readCommitment(groupId) {
  try {
    const kept = JSON.parse(window.localStorage.getItem(KEY + groupId) || "null");
    return kept && typeof kept.text === "string" && typeof kept.meeting_id === "string" ? kept : null;
  } catch {
    return null;
  }
}

/** Removes what this browser keeps for the group (nothing to do where nothing could be kept). */
export function forgetCommitment(groupId) {
  try {
    window.localStorage.removeItem(KEY + groupId);
  } catch {
    // Nothing could be kept, so nothing is left to clear.
  }
}

export class Commitments {
  constructor(root, view) {
    this.view = view;
    this.card = $("#commitment-card", root);
    this.status = $("#commitment-status", root);
    this.groupId = "";
    this.meetingId = "";
    this.segment = null; // the current part, as in welcome.agenda.current
    this.notNow = null; // the part whose invitation was put aside
    this.mode = "";
    document.addEventListener("langchange", () => this.render(true));
  }

  onWelcome(frame) {
    this.groupId = frame.meeting?.group_id || "";
    this.meetingId = frame.meeting?.id || "";
    this.segment = frame.agenda?.current || null;
    this.render();
  }

  onEvent(event) {
    if (event.type === "segment_started") {
      this.segment = event.segment;
      this.notNow = null;
    } else if (event.type === "agenda_changed") {
      this.segment = event.agenda?.current || null;
    } else if (event.type === "meeting_ended") {
      this.groupId = "";
    } else if (event.type !== "role_changed") {
      return;
    }
    this.render();
  }

  /** Which card, if any: writing while invited, else the last one's question, once per meeting. */
  wanted() {
    if (!this.groupId || this.view.isFacilitator()) return "";
    const s = this.segment;
    if (s && s.kind === "closing" && s.invite_commitment && this.notNow !== s.index) return "write";
    const kept = readCommitment(this.groupId);
    if (kept && kept.meeting_id !== this.meetingId && !this.keptHere()) return "recall";
    return "";
  }

  keptHere() {
    return store("sessionStorage")?.getItem(KEPT + this.meetingId) === "1";
  }

  /** Rebuilds only when the card changes (or the language), keeping what is being typed. */
  render(force = false) {
    const mode = this.wanted();
    if (mode === this.mode && !force) return;
    const typing = this.card.querySelector("textarea");
    const draft = typing ? typing.value : null;
    const focused = typing && document.activeElement === typing;
    this.mode = mode;
    this.card.replaceChildren(...(mode === "write" ? this.writeCard(draft) : mode === "recall" ? this.recallCard() : []));
    show(this.card, Boolean(mode));
    if (focused && this.card.querySelector("textarea")) this.card.querySelector("textarea").focus();
  }

  writeCard(draft) {
    const parts = [
      h("h2", { id: "commitment-title", class: "commitment-title", text: t("commitment.heading") }),
      h("p", { id: "commitment-private", class: "note", text: t("commitment.private") }),
    ];
    if (!store()) {
      return [...parts, h("p", { class: "commitment-unavailable", text: t("commitment.unavailable") }), this.buttons([this.notNowButton()])];
    }
    const kept = readCommitment(this.groupId);
    const text = draft ?? (kept && kept.meeting_id === this.meetingId ? kept.text : "");
    const area = h("textarea", {
      id: "commitment-text",
      rows: 2,
      maxlength: MAX_LENGTH,
      dir: "auto",
      "aria-describedby": "commitment-private commitment-count",
    });
    area.value = text;
    const count = h("p", { id: "commitment-count", class: "note commitment-count" });
    const counted = () => (count.textContent = t("commitment.counter", { n: formatNumber(area.value.length), max: formatNumber(MAX_LENGTH) }));
    area.addEventListener("input", counted);
    counted();
    return [
      ...parts,
      h("label", { for: "commitment-text", text: t("commitment.label") }),
      area,
      count,
      this.buttons([
        h("button", { type: "button", class: "small primary", text: t("commitment.save"), onclick: () => this.save(area) }),
        kept ? this.clearButton() : null,
        this.notNowButton(),
      ]),
    ];
  }

  recallCard() {
    const kept = readCommitment(this.groupId);
    // The words in their own direction: an Arabic commitment in an English sentence.
    const [before, after = ""] = t("commitment.last_time", { text: "\u0000" }).split("\u0000");
    return [
      h("h2", { id: "commitment-title", class: "commitment-title", text: t("commitment.recall_heading") }),
      h("p", { class: "commitment-recalled" }, before, h("bdi", { class: "commitment-words", text: kept.text }), after),
      h("p", { class: "commitment-how", text: t("commitment.how") }),
      h("p", { class: "note", text: t("commitment.private") }),
      this.buttons([
        h("button", { type: "button", class: "small primary", text: t("commitment.keep"), onclick: () => this.keep() }),
        this.clearButton(),
      ]),
    ];
  }

  buttons(list) {
    return h("div", { class: "button-row commitment-actions" }, ...list);
  }

  clearButton() {
    return h("button", { type: "button", class: "small secondary", "data-commitment": "clear", text: t("commitment.clear"), onclick: () => this.clear() });
  }

  notNowButton() {
    return h("button", {
      type: "button",
      class: "small link-button",
      text: t("commitment.hide"),
      onclick: () => {
        this.notNow = this.segment?.index ?? null;
        this.leaveCard();
      },
    });
  }

  save(area) {
    const text = area.value.trim().slice(0, MAX_LENGTH);
    if (!text) {
      announce(this.status, t("commitment.empty"));
      area.focus();
      return;
    }
    try {
      const kept = { text, saved_at: new Date().toISOString(), meeting_id: this.meetingId };
      window.localStorage.setItem(KEY + this.groupId, JSON.stringify(kept));
    } catch {
      announce(this.status, t("commitment.unavailable"));
      return;
    }
    this.render(true);
    announce(this.status, t("commitment.saved"));
  }

  clear() {
    forgetCommitment(this.groupId);
    const area = this.card.querySelector("textarea");
    if (area) area.value = "";
    this.leaveCard();
    announce(this.status, t("commitment.cleared"));
  }

  keep() {
    store("sessionStorage")?.setItem(KEPT + this.meetingId, "1");
    this.leaveCard();
  }

  /** Redraws after a button of the card; the keyboard lands on the card's text or the composer. */
  leaveCard() {
    const inside = this.card.contains(document.activeElement);
    this.render(true);
    if (!inside) return;
    const next = this.card.querySelector("textarea") || document.getElementById("say");
    if (next && !next.disabled) next.focus();
  }
}
