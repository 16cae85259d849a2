// The facilitator's alerts: help requests, reports and people waiting in the
// lobby, each counted in a badge. The list is the room's shared alerts
// (welcome.alerts, then `alert` and `alert_updated`), so what another facilitator
// claimed or marked done shows here too. A new one is never only in a list that may
// be scrolled away: it also shows a toast, counts in the tab's title ("(2) Room"),
// and, when switched on, beeps once (alert-notice.js).

import { $, h, show } from "./dom.js";
import { confirmSend } from "./guard-dialog.js";
import { formatNumber, t } from "./i18n.js";
import { AlertNotice } from "./alert-notice.js";
import { authorOf, claimStatus, helpItem, reportItem } from "./alert-items.js";

export class AlertsPanel {
  constructor(root, view) {
    this.root = root;
    this.view = view;
    this.lobby = new Map(); // participant_id -> pseudonym
    this.shared = new Map(); // alert id -> the room's alert, oldest first
    this.forms = new Map(); // an open "Answer privately" form by alert id or "lobby:<id>"
    this.el = {
      pane: $("#pane-alerts", root),
      alerts: $("#alerts", root),
      count: $("#alert-count", root),
      tabCount: $("#tab-alerts-count", root),
      lobbySection: $("#lobby-section", root),
      lobby: $("#lobby", root),
      lobbyCount: $("#lobby-count", root),
      admitAll: $("#admit-all", root),
    };
    this.notice = new AlertNotice($("#toasts", root), $("#alert-sound", root), () => {
      this.view.showPane("alerts");
      this.el.alerts.focus();
    });
    this.el.admitAll.addEventListener("click", () => this.admitAll());
    document.addEventListener("langchange", () => this.render());
  }

  /** Help requests and reports still to be dealt with, newest first. */
  get alerts() {
    return [...this.shared.values()].filter((a) => a.kind !== "knock" && a.status !== "resolved").reverse();
  }

  onWelcome(frame) {
    const state = frame.state || {};
    this.lobby = new Map((state.lobby || []).map((p) => [p.participant_id || p.id, p.pseudonym]));
    // The room's word on what is pending: a reload or a late arrival sees it all.
    this.shared = new Map((frame.alerts || []).map((a) => [a.id, { ...a }]));
    show(this.el.pane, true);
    this.render();
    // The page names the tab after this welcome's listeners; put the count back after it.
    queueMicrotask(() => this.renderTitle());
  }

  onEvent(event, replay) {
    // A resume's welcome carries the alerts as they are now; replayed changes are older.
    if (replay && (event.type === "alert" || event.type === "alert_updated")) return;
    switch (event.type) {
      case "knock":
        if (replay || this.lobby.has(event.participant_id)) break;
        this.lobby.set(event.participant_id, event.pseudonym);
        this.notice.notify(t("toast.knock", { name: event.pseudonym }), `knock:${event.participant_id}`);
        break;
      case "joined":
        this.leftLobby(event.participant.id);
        break;
      case "left":
      case "admitted":
      case "denied":
        this.leftLobby(event.participant_id);
        break;
      case "alert": {
        const alert = { ...event.alert };
        this.shared.set(alert.id, alert);
        if (alert.kind === "help") this.notice.notify(t("toast.help", { name: alert.pseudonym }), `alert:${alert.id}`);
        if (alert.kind === "report") {
          this.notice.notify(t("toast.report", { name: authorOf(this.view, alert).name }), `alert:${alert.id}`);
        }
        break;
      }
      case "alert_updated": {
        const alert = this.shared.get(event.alert_id);
        if (!alert) break;
        const { type, seq, at, alert_id, ...changes } = event;
        Object.assign(alert, changes);
        if (alert.status === "resolved") this.notice.drop(`alert:${alert.id}`);
        break;
      }
      default:
        break;
    }
  }

  leftLobby(participantId) {
    this.lobby.delete(participantId);
    this.notice.drop(`knock:${participantId}`);
  }

  /** The open knock alert of someone in the lobby, if the room keeps one. */
  knockOf(participantId) {
    for (const alert of this.shared.values()) {
      if (alert.kind === "knock" && alert.participant_id === participantId && alert.status !== "resolved") return alert;
    }
    return undefined;
  }

  /** A demoted facilitator's view goes: nothing of the alerts stays on their page. */
  stop() {
    this.lobby = new Map();
    this.shared = new Map();
    this.forms.clear();
    this.notice.toasts.replaceChildren();
    show(this.el.pane, false);
    this.renderTitle(); // nothing pending is left: the plain title
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
    const pending = this.alerts;
    count(el.count, this.total());
    count(el.tabCount, this.total());
    count(el.lobbyCount, this.lobby.size);
    const active = document.activeElement;
    el.alerts.replaceChildren(...pending.map((alert) => (alert.kind === "help" ? helpItem(this, alert) : reportItem(this, alert))));
    if (pending.length === 0) el.alerts.append(h("li", { class: "empty", text: t("alerts.empty") }));
    this.renderLobby();
    for (const key of [...this.forms.keys()]) {
      const gone = key.startsWith("lobby:") ? !this.lobby.has(key.slice("lobby:".length)) : !pending.some((a) => a.id === key);
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
    const small = (text, label, onclick, cls = "small") => h("button", { type: "button", class: cls, text, "aria-label": label, onclick });
    el.lobby.replaceChildren(
      ...[...this.lobby].map(([id, name]) => {
        const knock = this.knockOf(id);
        return h(
          "li",
          { class: "lobby-item", dataset: { participantId: id } },
          h("span", { class: "name", dir: "auto", text: name }),
          small(
            t("whisper.write"),
            t("whisper.write_name", { name }),
            (event) => this.answerForm(`lobby:${id}`, { id: knock?.id, participant_id: id, pseudonym: name }, event.target.closest("li")),
            "small secondary",
          ),
          small(t("lobby.admit"), t("lobby.admit_name", { name }), () => view.run("admit", { participant_id: id })),
          small(t("lobby.deny"), t("lobby.deny_name", { name }), () => view.run("deny", { participant_id: id }), "small secondary"),
          claimStatus(view, knock),
        );
      }),
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

  /** Done for every facilitator: the room resolves the shared alert. */
  async done(alert) {
    this.notice.drop(`alert:${alert.id}`);
    if (await this.view.run("resolve_alert", { alert_id: alert.id })) alert.status = "resolved";
    this.render();
    this.el.alerts.focus();
  }

  /** "Answer privately": a small form that whispers to the person and claims their alert. */
  answerForm(key, alert, item) {
    const existing = this.forms.get(key);
    if (existing) {
      existing.querySelector("textarea").focus();
      return;
    }
    const name = alert.pseudonym;
    const id = `answer-${alert.participant_id}`;
    const text = h("textarea", { id, rows: "2", maxlength: "2000", dir: "auto" });
    const close = () => {
      this.forms.delete(key);
      form.remove();
    };
    const form = h(
      "form",
      { class: "answer-form" },
      h("label", { for: id, text: t("whisper.answer_label", { name }) }),
      text,
      h(
        "div",
        { class: "button-row" },
        h("button", { type: "submit", class: "small primary", text: t("whisper.send") }),
        h("button", { type: "button", class: "small link-button", text: t("action.cancel"), onclick: close }),
      ),
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = text.value.trim();
      if (!body || !(await confirmSend(body, text))) return;
      if (!(await this.view.run("whisper", { to: alert.participant_id, text: body }))) return;
      close();
      const shared = alert.id ? this.shared.get(alert.id) : undefined;
      if (shared && shared.claimed_by !== this.view.you?.id && shared.status !== "resolved") {
        await this.view.run("claim_alert", { alert_id: shared.id });
      }
    });
    this.forms.set(key, form);
    item.append(form);
    text.focus();
  }
}
