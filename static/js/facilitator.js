// Facilitator controls, shown in the room when you.role is "facilitator": the floor,
// rounds, mute/remove/delete, the lobby, settings, reports and help requests,
// speaker statistics and ending the meeting.

import { $, confirmDialog, h, show } from "./dom.js";
import { formatNumber, t } from "./i18n.js";
import { formatCountdown, formatTime } from "./time.js";
import { REPORT_REASONS } from "./conversation.js";

export class FacilitatorControls {
  constructor(root, view) {
    this.root = root;
    this.view = view;
    this.lobby = new Map(); // participant_id -> pseudonym
    this.alerts = []; // newest first: {kind, ...event, at}
    this.el = {
      panel: $("#facilitator-panel", root),
      grantNext: $("#grant-next", root),
      revoke: $("#revoke", root),
      round: $("#round-toggle", root),
      lobbySection: $("#lobby-section", root),
      lobby: $("#lobby", root),
      lobbyCount: $("#lobby-count", root),
      alerts: $("#alerts", root),
      alertCount: $("#alert-count", root),
      settings: $("#settings-form", root),
      settingsStatus: $("#settings-status", root),
      stats: $("#stats", root),
      statsBtn: $("#stats-refresh", root),
      end: $("#end-meeting", root),
    };
    this.bind();
  }

  bind() {
    const { el, view } = this;
    el.grantNext.addEventListener("click", () => view.run("grant"));
    el.revoke.addEventListener("click", () => view.run("revoke"));
    el.round.addEventListener("click", () => view.run(view.round ? "end_round" : "start_round"));
    el.settings.addEventListener("submit", async (event) => {
      event.preventDefault();
      const form = el.settings;
      const settings = {
        crosstalk: form.elements.crosstalk.checked,
        locked: form.elements.locked.checked,
        lobby: form.elements.lobby.checked,
        share_seconds: Number(form.elements.share_seconds.value),
        slow_mode_seconds: Number(form.elements.slow_mode_seconds.value),
        queue_policy: form.elements.queue_policy.value,
      };
      if (!form.reportValidity()) return;
      const ok = await view.run("settings", settings);
      el.settingsStatus.textContent = ok ? t("settings.saved") : "";
    });
    el.statsBtn.addEventListener("click", () => this.refreshStats());
    document.addEventListener("langchange", () => this.renderAlerts());
    el.end.addEventListener("click", async () => {
      if (await confirmDialog(t("confirm.end"), t("facilitator.end"))) view.run("end");
    });
  }

  onWelcome(frame) {
    const state = frame.state || {};
    this.lobby = new Map(
      (state.lobby || []).map((p) => [p.participant_id || p.id, p.pseudonym]),
    );
    show(this.el.panel, true);
    this.renderAlerts();
  }

  onEvent(event, replay) {
    switch (event.type) {
      case "knock":
        if (!replay) this.lobby.set(event.participant_id, event.pseudonym);
        break;
      case "joined":
        this.lobby.delete(event.participant.id);
        break;
      case "left":
      case "admitted":
      case "denied":
        this.lobby.delete(event.participant_id);
        break;
      case "report":
      case "help_requested":
        if (event.type === "help_requested" && event.participant_id === this.view.you?.id) break;
        if (this.alerts.some((a) => a.seq === event.seq && a.type === event.type)) break;
        this.alerts.unshift({ ...event });
        this.renderAlerts();
        break;
      case "report_updated": {
        // Later reports of one message raise its count instead of adding alerts.
        const alert = this.alerts.find((a) => a.type === "report" && a.report_id === event.report_id);
        if (alert) {
          alert.count = event.count;
          alert.reason = event.reason;
          this.renderAlerts();
        }
        break;
      }
      case "message_deleted":
        this.renderAlerts();
        break;
      default:
        break;
    }
  }

  render() {
    const { el, view } = this;
    el.revoke.disabled = !view.floor;
    el.grantNext.disabled = view.queue.length === 0;
    el.round.textContent = view.round ? t("facilitator.end_round") : t("facilitator.start_round");
    this.renderLobby();
    this.renderSettings();
  }

  renderLobby() {
    const { el } = this;
    el.lobbyCount.textContent = formatNumber(this.lobby.size);
    show(el.lobbySection, this.lobby.size > 0 || Boolean(this.view.settings.lobby));
    el.lobby.replaceChildren(
      ...[...this.lobby].map(([id, name]) =>
        h(
          "li",
          { class: "lobby-item" },
          h("span", { class: "name", dir: "auto", text: name }),
          h("button", {
            type: "button",
            class: "small",
            text: t("lobby.admit"),
            "aria-label": t("lobby.admit_name", { name }),
            onclick: () => this.view.run("admit", { participant_id: id }),
          }),
          h("button", {
            type: "button",
            class: "small secondary",
            text: t("lobby.deny"),
            "aria-label": t("lobby.deny_name", { name }),
            onclick: () => this.view.run("deny", { participant_id: id }),
          }),
        ),
      ),
    );
    if (this.lobby.size === 0) el.lobby.append(h("li", { class: "empty", text: t("lobby.empty") }));
  }

  renderSettings() {
    const form = this.el.settings;
    if (form.contains(document.activeElement)) return; // do not move what is being edited
    const s = this.view.settings;
    for (const key of ["crosstalk", "locked", "lobby"]) {
      if (key in s) form.elements[key].checked = Boolean(s[key]);
    }
    for (const key of ["share_seconds", "slow_mode_seconds", "queue_policy"]) {
      if (key in s) form.elements[key].value = String(s[key]);
    }
  }

  renderAlerts() {
    const { el } = this;
    el.alertCount.textContent = formatNumber(this.alerts.length);
    el.alerts.replaceChildren(...this.alerts.map((alert) => this.alertItem(alert)));
    if (this.alerts.length === 0) el.alerts.append(h("li", { class: "empty", text: t("alerts.empty") }));
  }

  alertItem(alert) {
    const dismiss = h("button", {
      type: "button",
      class: "link-button",
      text: t("alerts.dismiss"),
      onclick: () => {
        this.alerts = this.alerts.filter((a) => a !== alert);
        this.renderAlerts();
        this.el.alerts.focus();
      },
    });
    const time = alert.at ? h("time", { datetime: alert.at, text: formatTime(alert.at) }) : null;
    if (alert.type === "help_requested") {
      return h(
        "li",
        { class: "alert help" },
        h("p", {}, h("strong", { text: t("alerts.help") }), " ", time),
        h("p", {}, h("span", { dir: "auto", class: "name", text: alert.pseudonym })),
        alert.note ? h("p", { class: "quote", dir: "auto", text: alert.note }) : null,
        dismiss,
      );
    }
    const reason = REPORT_REASONS.includes(alert.reason) ? t(`report.${alert.reason}`) : alert.reason;
    const entry = this.view.conversation.messages.get(alert.message_id);
    const removable = entry && !entry.deleted;
    return h(
      "li",
      { class: "alert report" },
      h(
        "p",
        {},
        h("strong", { text: t("alerts.report") }),
        " ",
        time,
        alert.count > 1 ? h("span", { class: "count", text: ` ${t("alerts.reported_by", { count: alert.count })}` }) : null,
      ),
      h("p", { class: "quote", dir: "auto", text: alert.text || "" }),
      h("p", {}, t("alerts.reason"), " ", h("span", { dir: "auto", text: reason || "" })),
      removable
        ? h("button", {
            type: "button",
            class: "small danger",
            text: t("message.delete"),
            onclick: () => this.view.run("delete", { message_id: alert.message_id }),
          })
        : h("p", { class: "note", text: t("alerts.already_removed") }),
      dismiss,
    );
  }

  /** Buttons added to each participant in the list. */
  decorateParticipant(li, p) {
    const view = this.view;
    const self = p.id === view.you.id;
    const buttons = [
      h("button", {
        type: "button",
        class: "small",
        text: t("participant.grant"),
        "aria-label": t("participant.grant_name", { name: p.pseudonym }),
        "data-focus-key": `${p.id}:grant`,
        onclick: () => view.run("grant", { participant_id: p.id }),
      }),
    ];
    if (!self && p.role !== "facilitator") {
      buttons.push(
        h("button", {
          type: "button",
          class: "small secondary",
          text: p.muted ? t("participant.unmute") : t("participant.mute"),
          "data-focus-key": `${p.id}:mute`,
          "aria-label": t(p.muted ? "participant.unmute_name" : "participant.mute_name", { name: p.pseudonym }),
          onclick: () => view.run(p.muted ? "unmute" : "mute", { participant_id: p.id }),
        }),
        h("button", {
          type: "button",
          class: "small danger",
          text: t("participant.remove"),
          "aria-label": t("participant.remove_name", { name: p.pseudonym }),
          "data-focus-key": `${p.id}:remove`,
          onclick: async () => {
            if (await confirmDialog(t("confirm.remove", { name: p.pseudonym }), t("participant.remove"))) {
              view.run("remove", { participant_id: p.id });
            }
          },
        }),
      );
    }
    li.append(h("span", { class: "participant-actions" }, ...buttons));
  }

  /** The facilitator's extra buttons on a message. */
  messageActions(entry) {
    return [
      h("button", {
        type: "button",
        class: "link-button danger",
        text: t("message.delete"),
        "aria-label": t("message.delete_from", { name: entry.data.pseudonym }),
        onclick: () => this.view.run("delete", { message_id: entry.data.message_id }),
      }),
    ];
  }

  async refreshStats() {
    const reply = await this.view.run("stats");
    if (!reply || !reply.speakers) return;
    const rows = [...reply.speakers].sort((a, b) => b.seconds - a.seconds);
    const table = h(
      "table",
      { class: "stats-table" },
      h("caption", { class: "visually-hidden", text: t("stats.caption") }),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col", text: t("stats.name") }),
          h("th", { scope: "col", text: t("stats.shares") }),
          h("th", { scope: "col", text: t("stats.time") }),
        ),
      ),
      h(
        "tbody",
        {},
        ...rows.map((s) =>
          h(
            "tr",
            {},
            h("th", { scope: "row", dir: "auto", text: s.pseudonym }),
            h("td", { text: formatNumber(s.shares) }),
            h("td", { text: formatCountdown((s.seconds || 0) * 1000) }),
          ),
        ),
      ),
    );
    this.el.stats.replaceChildren(
      rows.length ? table : h("p", { class: "note", text: t("stats.none") }),
    );
  }
}
