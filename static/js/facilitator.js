// Facilitator controls, shown in the room when you.role is "facilitator": the floor
// and rounds in the action row, the alerts (alerts-panel.js), the people menus
// (people-panel.js, which asks `view.facilitator`), settings, speaker statistics
// and ending the meeting.

import { $, confirmDialog, h, show } from "./dom.js";
import { formatNumber, t } from "./i18n.js";
import { formatCountdown } from "./time.js";
import { AlertsPanel } from "./alerts-panel.js";

export class FacilitatorControls {
  constructor(root, view) {
    this.root = root;
    this.view = view;
    this.alertsPanel = new AlertsPanel(root, view);
    this.el = {
      panel: $("#facilitator-panel", root),
      grantNext: $("#grant-next", root),
      round: $("#round-toggle", root),
      settings: $("#settings-form", root),
      settingsStatus: $("#settings-status", root),
      stats: $("#stats", root),
      statsBtn: $("#stats-refresh", root),
      end: $("#end-meeting", root),
    };
    this.bind();
  }

  /** The lobby, kept by the alerts panel. */
  get lobby() {
    return this.alertsPanel.lobby;
  }

  get alerts() {
    return this.alertsPanel.alerts;
  }

  bind() {
    const { el, view } = this;
    el.grantNext.addEventListener("click", () => view.run("grant"));
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
    el.end.addEventListener("click", async () => {
      if (await confirmDialog(t("confirm.end"), t("facilitator.end"))) view.run("end");
    });
  }

  onWelcome(frame) {
    show(this.el.panel, true);
    show(this.el.grantNext, true);
    show(this.el.round, true);
    this.view.tabs.enableAlerts();
    this.alertsPanel.onWelcome(frame);
  }

  onEvent(event, replay) {
    // A co-host's first look at what the facilitators share (chair.js made this view).
    if (event.type === "facilitator_view" && !replay) {
      this.alertsPanel.onWelcome({ alerts: event.alerts || [], state: { lobby: event.lobby || [] } });
      return;
    }
    this.alertsPanel.onEvent(event, replay);
  }

  /** No longer a facilitator (a co-host demoted): the panels go, kept for a next time. */
  stop() {
    for (const el of [this.el.panel, this.el.grantNext, this.el.round]) show(el, false);
    this.view.tabs.disableAlerts();
    this.alertsPanel.stop();
  }

  render() {
    const { el, view } = this;
    el.grantNext.disabled = view.queue.length === 0;
    el.round.textContent = view.round ? t("facilitator.end_round") : t("facilitator.start_round");
    this.alertsPanel.render();
    this.renderSettings();
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
