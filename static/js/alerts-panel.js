// The facilitator's alerts: help requests, reports and people waiting in the
// lobby, each counted in a badge. A new one is never only in a list that may be
// scrolled away: it also shows a toast, counts in the tab's title ("(2) Room"),
// and, when switched on, beeps once.

import { $, h, show } from "./dom.js";
import { confirmSend } from "./guard-dialog.js";
import { formatNumber, t } from "./i18n.js";
import { formatTime } from "./time.js";
import { REPORT_REASONS } from "./conversation.js";
import { removePerson } from "./people-panel.js";

const TOAST_MS = 8000;

export class AlertsPanel {
  constructor(root, view) {
    this.root = root;
    this.view = view;
    this.lobby = new Map(); // participant_id -> pseudonym
    this.alerts = []; // newest first: the report or help_requested events
    // The room's shared alerts (welcome.alerts, alert, alert_updated) by id: what
    // another facilitator claimed or resolved shows here too.
    this.shared = new Map();
    this.seeded = false; // whether a welcome brought the room's alerts
    this.forms = new Map(); // an alert's open "Answer privately" form, kept across renders
    this.audio = null;
    this.el = {
      pane: $("#pane-alerts", root),
      alerts: $("#alerts", root),
      count: $("#alert-count", root),
      tabCount: $("#tab-alerts-count", root),
      lobbySection: $("#lobby-section", root),
      lobby: $("#lobby", root),
      lobbyCount: $("#lobby-count", root),
      admitAll: $("#admit-all", root),
      sound: $("#alert-sound", root),
      toasts: $("#toasts", root),
    };
    this.el.admitAll.addEventListener("click", () => this.admitAll());
    // Made on the click that switches sound on: browsers let audio start from a gesture.
    this.el.sound.addEventListener("change", () => {
      if (this.el.sound.checked) this.audioContext()?.resume?.();
    });
    document.addEventListener("langchange", () => this.render());
  }

  onWelcome(frame) {
    const state = frame.state || {};
    this.lobby = new Map((state.lobby || []).map((p) => [p.participant_id || p.id, p.pseudonym]));
    if (Array.isArray(frame.alerts)) {
      this.seeded = true;
      // The room's word on what is pending: a reload or a late arrival sees it all.
      this.shared = new Map(frame.alerts.map((a) => [a.id, { ...a }]));
      this.alerts = frame.alerts
        .filter((a) => a.status !== "resolved" && a.kind !== "knock")
        .reverse()
        .map((a) => fromShared(a));
    }
    show(this.el.pane, true);
    this.render();
    // The page names the tab after this welcome's listeners; put the count back after it.
    queueMicrotask(() => this.renderTitle());
  }

  onEvent(event, replay) {
    switch (event.type) {
      case "knock":
        if (replay || this.lobby.has(event.participant_id)) break;
        this.lobby.set(event.participant_id, event.pseudonym);
        this.notify(t("toast.knock", { name: event.pseudonym }), `knock:${event.participant_id}`);
        break;
      case "joined":
        this.lobby.delete(event.participant.id);
        this.dropToast(`knock:${event.participant.id}`);
        break;
      case "left":
      case "admitted":
      case "denied":
        this.lobby.delete(event.participant_id);
        this.dropToast(`knock:${event.participant_id}`);
        break;
      case "alert": {
        if (replay) break;
        const shared = { ...event.alert };
        this.shared.set(shared.id, shared);
        const alert = this.alerts.find((a) => !a.alert_id && matches(a, shared));
        if (alert) alert.alert_id = shared.id;
        break;
      }
      case "alert_updated": {
        if (replay) break;
        const shared = this.shared.get(event.alert_id);
        if (shared) Object.assign(shared, event, { id: event.alert_id });
        const alert = this.alerts.find((a) => a.alert_id === event.alert_id);
        if (alert && event.status === "resolved") {
          this.alerts = this.alerts.filter((a) => a !== alert);
          this.dropToast(`${alert.type}:${alert.seq}`);
        } else if (alert) {
          alert.count = event.count;
        }
        break;
      }
      case "report":
      case "help_requested": {
        if (replay && this.seeded) break; // the welcome's alerts hold it already
        if (event.type === "help_requested" && event.participant_id === this.view.you?.id) break;
        if (this.alerts.some((a) => a.seq === event.seq && a.type === event.type)) break;
        this.alerts.unshift({ ...event });
        const name = event.type === "report" ? this.author(event).name : event.pseudonym;
        this.notify(t(event.type === "report" ? "toast.report" : "toast.help", { name }), `${event.type}:${event.seq}`);
        break;
      }
      case "report_updated": {
        // Later reports of one message raise its count instead of adding alerts.
        const alert = this.alerts.find((a) => a.type === "report" && a.report_id === event.report_id);
        if (alert) {
          alert.count = event.count;
          alert.reason = event.reason;
        }
        break;
      }
      default:
        break;
    }
  }

  total() {
    return this.alerts.length + this.lobby.size;
  }

  render() {
    const { el } = this;
    const count = (badge, n) => {
      badge.textContent = formatNumber(n);
      badge.dataset.count = String(n);
    };
    count(el.count, this.total());
    count(el.tabCount, this.total());
    count(el.lobbyCount, this.lobby.size);
    const active = document.activeElement;
    el.alerts.replaceChildren(...this.alerts.map((alert) => this.alertItem(alert)));
    if (this.alerts.length === 0) el.alerts.append(h("li", { class: "empty", text: t("alerts.empty") }));
    this.renderLobby();
    for (const key of [...this.forms.keys()]) {
      const gone = typeof key === "string" ? !this.lobby.has(key.slice("lobby:".length)) : !this.alerts.includes(key);
      if (gone) this.forms.delete(key);
    }
    if (active && active !== document.activeElement && this.el.pane.contains(active)) active.focus();
    this.renderTitle();
  }

  renderTitle() {
    const meeting = this.view.meeting;
    if (!meeting) return;
    const base = `${meeting.title || meeting.group || ""} · Hearth`;
    const n = this.total();
    const title = n ? t("title.count", { n: formatNumber(n), title: base }) : base;
    if (document.title !== title) document.title = title;
  }

  renderLobby() {
    const { el, view } = this;
    show(el.lobbySection, this.lobby.size > 0 || Boolean(view.settings.lobby));
    show(el.admitAll, this.lobby.size > 1);
    el.lobby.replaceChildren(
      ...[...this.lobby].map(([id, name]) =>
        h(
          "li",
          { class: "lobby-item", dataset: { participantId: id } },
          h("span", { class: "name", dir: "auto", text: name }),
          h("button", {
            type: "button",
            class: "small secondary",
            text: t("whisper.write"),
            "aria-label": t("whisper.write_name", { name }),
            onclick: (event) =>
              this.answerForm(`lobby:${id}`, { participant_id: id, pseudonym: name }, event.target.closest("li")),
          }),
          h("button", {
            type: "button",
            class: "small",
            text: t("lobby.admit"),
            "aria-label": t("lobby.admit_name", { name }),
            onclick: () => view.run("admit", { participant_id: id }),
          }),
          h("button", {
            type: "button",
            class: "small secondary",
            text: t("lobby.deny"),
            "aria-label": t("lobby.deny_name", { name }),
            onclick: () => view.run("deny", { participant_id: id }),
          }),
        ),
      ),
    );
    for (const li of el.lobby.querySelectorAll("li.lobby-item")) {
      const form = this.forms.get(`lobby:${li.dataset.participantId}`);
      if (form) li.append(form);
    }
    if (this.lobby.size === 0) el.lobby.append(h("li", { class: "empty", text: t("lobby.empty") }));
  }

  async admitAll() {
    for (const id of [...this.lobby.keys()]) {
      if (!(await this.view.run("admit", { participant_id: id }))) break;
    }
  }

  /** Who wrote a reported message, from the conversation (and whether they are still here). */
  author(alert) {
    const entry = this.view.conversation.messages.get(alert.message_id);
    const id = entry?.data?.participant_id || alert.author_id;
    const present = id ? this.view.participants.get(id) : undefined;
    return {
      entry,
      person: present,
      name: entry?.data?.pseudonym || alert.author || (present ? present.pseudonym : t("room.someone")),
    };
  }

  /** Takes away the toast of something already dealt with. */
  dropToast(key) {
    for (const item of this.el.toasts.querySelectorAll(".toast")) {
      if (item.dataset.key === key) item.remove();
    }
  }

  dismiss(alert) {
    // Done for every facilitator: the room resolves the shared alert.
    if (alert.alert_id) this.view.run("resolve_alert", { alert_id: alert.alert_id });
    this.alerts = this.alerts.filter((a) => a !== alert);
    this.dropToast(`${alert.type}:${alert.seq}`);
    this.render();
    this.el.alerts.focus();
  }

  /** "Claimed by …" and a Claim button, from the shared alert. */
  claimParts(alert, name, button) {
    const shared = alert.alert_id ? this.shared.get(alert.alert_id) : undefined;
    if (!shared) return { status: null, claim: null };
    const mine = shared.claimed_by && shared.claimed_by === this.view.you?.id;
    const status = shared.claimed_by
      ? h("p", {
          class: "note claimed",
          text: mine ? t("alerts.claimed_by_you") : t("alerts.claimed_by", { name: this.view.nameOf(shared.claimed_by) }),
        })
      : null;
    const claim = mine
      ? null
      : button(t("alerts.claim"), t("alerts.claim_name", { name }), () =>
          this.view.run("claim_alert", { alert_id: shared.id }),
        );
    return { status, claim };
  }

  /** "Answer privately": a small form that whispers to the asker and claims the alert. */
  answerForm(key, alert, item) {
    const existing = this.forms.get(key);
    if (existing) {
      existing.querySelector("textarea").focus();
      return;
    }
    const name = alert.pseudonym;
    const id = `answer-${alert.participant_id}`;
    const text = h("textarea", { id, rows: "2", maxlength: "2000", dir: "auto" });
    const form = h(
      "form",
      { class: "answer-form" },
      h("label", { for: id, text: t("whisper.answer_label", { name }) }),
      text,
      h(
        "div",
        { class: "button-row" },
        h("button", { type: "submit", class: "small primary", text: t("whisper.send") }),
        h("button", {
          type: "button",
          class: "small link-button",
          text: t("action.cancel"),
          onclick: () => {
            this.forms.delete(key);
            form.remove();
          },
        }),
      ),
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = text.value.trim();
      if (!body || !(await confirmSend(body, text))) return;
      if (!(await this.view.run("whisper", { to: alert.participant_id, text: body }))) return;
      this.forms.delete(key);
      form.remove();
      const shared = alert.alert_id ? this.shared.get(alert.alert_id) : undefined;
      if (shared && shared.claimed_by !== this.view.you?.id && shared.status !== "resolved") {
        await this.view.run("claim_alert", { alert_id: shared.id });
      }
    });
    this.forms.set(key, form);
    item.append(form);
    text.focus();
  }

  alertItem(alert) {
    const time = alert.at ? h("time", { datetime: alert.at, text: formatTime(alert.at) }) : null;
    const view = this.view;
    const button = (text, label, run, cls = "small secondary") =>
      h("button", { type: "button", class: cls, text, "aria-label": label || null, onclick: run });
    if (alert.type === "help_requested") {
      const name = alert.pseudonym;
      const { status, claim } = this.claimParts(alert, name, button);
      const here = view.participants.has(alert.participant_id);
      const item = h(
        "li",
        { class: "alert help", dataset: { alertId: alert.alert_id || "" } },
        h("p", { class: "alert-head" }, h("strong", { text: t("alerts.help") }), " ", time),
        h("p", {}, h("span", { dir: "auto", class: "name", text: name })),
        alert.note ? h("p", { class: "quote", dir: "auto", text: alert.note }) : null,
        status,
      );
      item.append(
        h(
          "div",
          { class: "alert-actions" },
          here
            ? button(t("whisper.answer"), t("whisper.answer_name", { name }), () => this.answerForm(alert, alert, item), "small")
            : null,
          claim,
          button(t("alerts.dismiss"), t("alerts.dismiss_name", { name }), () => this.dismiss(alert), "small link-button"),
        ),
      );
      const form = this.forms.get(alert);
      if (form) item.append(form);
      return item;
    }
    const reason = REPORT_REASONS.includes(alert.reason) ? t(`report.${alert.reason}`) : alert.reason;
    const { entry, person, name } = this.author(alert);
    const removable = entry && !entry.deleted;
    const attendee = person && person.role !== "facilitator";
    const { status, claim } = this.claimParts(alert, name, button);
    return h(
      "li",
      { class: "alert report" },
      h(
        "p",
        { class: "alert-head" },
        h("strong", { text: t("alerts.report") }),
        " ",
        time,
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
      status,
      h(
        "div",
        { class: "alert-actions" },
        claim,
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
          ? button(t("message.delete"), t("alerts.delete_name", { name }), () =>
              view.run("delete", { message_id: alert.message_id }), "small danger")
          : null,
        button(t("alerts.dismiss"), t("alerts.dismiss_name", { name }), () => this.dismiss(alert), "small link-button"),
      ),
    );
  }

  // Arrivals ---------------------------------------------------------------

  notify(text, key) {
    this.toast(text, key);
    if (this.el.sound.checked) this.beep();
  }

  toast(text, key) {
    const item = h("div", { class: "toast", dataset: { key } });
    const close = () => item.remove();
    item.append(
      h("p", { dir: "auto", text }),
      h("button", {
        type: "button",
        class: "small",
        text: t("toast.show"),
        onclick: () => {
          close();
          this.view.showPane("alerts");
          this.el.alerts.focus();
        },
      }),
      h(
        "button",
        { type: "button", class: "small link-button toast-close", "aria-label": t("toast.close"), onclick: close },
        h("span", { "aria-hidden": "true", text: "×" }),
      ),
    );
    this.el.toasts.append(item);
    while (this.el.toasts.children.length > 3) this.el.toasts.firstElementChild.remove();
    window.setTimeout(() => {
      if (!item.contains(document.activeElement)) close();
    }, TOAST_MS);
  }

  /** A short soft tone (Web Audio), only when the facilitator switched sound on. */
  audioContext() {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!this.audio && Context) this.audio = new Context();
    return this.audio;
  }

  beep() {
    try {
      const ctx = this.audioContext();
      if (!ctx) return;
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = "sine";
      osc.frequency.value = 660;
      gain.gain.setValueAtTime(0.0001, ctx.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.2, ctx.currentTime + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + 0.35);
      osc.connect(gain).connect(ctx.destination);
      osc.start();
      osc.stop(ctx.currentTime + 0.4);
      this.el.sound.dataset.beeps = String(Number(this.el.sound.dataset.beeps || 0) + 1);
    } catch {
      // No audio: the toast and the badge still tell.
    }
  }
}

/** Whether a list item (from an old-style event) is this shared alert. */
function matches(item, shared) {
  if (shared.kind === "help") return item.type === "help_requested" && item.participant_id === shared.participant_id;
  if (shared.kind === "report") return item.type === "report" && item.message_id === shared.message_id;
  return false;
}

/** A list item from a shared alert, shaped like the event it stands for. */
function fromShared(a) {
  const common = { alert_id: a.id, at: a.at, count: a.count, seq: `alert:${a.id}` };
  if (a.kind === "help") {
    return { ...common, type: "help_requested", participant_id: a.participant_id, pseudonym: a.pseudonym, note: a.note };
  }
  return {
    ...common,
    type: "report",
    message_id: a.message_id,
    text: a.text,
    reason: a.note,
    author_id: a.participant_id,
    author: a.pseudonym,
  };
}

/** A translated sentence with a node where its "\u0000" stands for the name. */
function withName(sentence, node) {
  const [before, after = ""] = sentence.split("\u0000");
  return [before, node, after];
}
