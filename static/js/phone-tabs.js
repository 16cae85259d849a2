// On a phone (600 px wide or less) the room's middle region shows one pane at a
// time: chat, alerts (facilitators), hands, people, support. The composer and the
// action row never move. A real tablist: arrow keys move between tabs (mirrored
// on right-to-left pages), Home and End jump; the panes become tabpanels only
// while the tabs are shown, so a laptop's stacked side panel stays plain sections.

import { $ } from "./dom.js";

export const PHONE = "(max-width: 37.5rem)";

export class PhoneTabs {
  constructor(root) {
    this.root = root;
    this.list = $("#room-tabs", root);
    this.tabs = [...this.list.querySelectorAll("[role=tab]")];
    this.media = window.matchMedia(PHONE);
    for (const tab of this.tabs) tab.addEventListener("click", () => this.select(tab.dataset.tab, true));
    this.list.addEventListener("keydown", (event) => this.onKey(event));
    this.media.addEventListener("change", () => this.sync());
    this.sync();
  }

  isPhone() {
    return this.media.matches;
  }

  visibleTabs() {
    return this.tabs.filter((tab) => !tab.hidden);
  }

  select(name, focus = false) {
    this.root.dataset.tab = name;
    for (const tab of this.tabs) {
      const on = tab.dataset.tab === name;
      tab.setAttribute("aria-selected", on ? "true" : "false");
      tab.tabIndex = on ? 0 : -1;
      if (on && focus) tab.focus();
    }
  }

  onKey(event) {
    const tabs = this.visibleTabs();
    const at = tabs.indexOf(document.activeElement);
    if (at < 0) return;
    const rtl = getComputedStyle(this.list).direction === "rtl";
    const forward = rtl ? "ArrowLeft" : "ArrowRight";
    const back = rtl ? "ArrowRight" : "ArrowLeft";
    let next = null;
    if (event.key === forward) next = tabs[(at + 1) % tabs.length];
    else if (event.key === back) next = tabs[(at - 1 + tabs.length) % tabs.length];
    else if (event.key === "Home") next = tabs[0];
    else if (event.key === "End") next = tabs[tabs.length - 1];
    if (!next) return;
    event.preventDefault();
    this.select(next.dataset.tab, true);
  }

  /** Panes are tabpanels only while the tabs show. */
  sync() {
    const phone = this.isPhone();
    for (const tab of this.tabs) {
      const pane = document.getElementById(tab.getAttribute("aria-controls"));
      if (!pane) continue;
      if (!pane.dataset.title) pane.dataset.title = pane.getAttribute("aria-labelledby");
      if (phone) {
        pane.setAttribute("role", "tabpanel");
        pane.setAttribute("aria-labelledby", tab.id);
      } else {
        pane.removeAttribute("role");
        pane.setAttribute("aria-labelledby", pane.dataset.title);
      }
    }
    if (!phone) return;
    const current = this.tabs.find((tab) => tab.dataset.tab === this.root.dataset.tab);
    if (!current || current.hidden) this.select("chat");
  }

  /** Shows the alerts tab (facilitators only). */
  enableAlerts() {
    const tab = this.tabs.find((t) => t.dataset.tab === "alerts");
    if (tab) tab.hidden = false;
  }
}
