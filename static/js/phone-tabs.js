// The room's section bar. On a phone (600 px wide or less) it is a real tablist
// under the composer: the middle region shows one pane at a time (chat, alerts for
// facilitators, hands, people, support); arrow keys move between tabs (mirrored
// on right-to-left pages), Home and End jump, and the panes are tabpanels. On a
// laptop the same bar sits above the side panel, never scrolled away, and each
// button scrolls the side panel to its section: a count badge (alerts, hands)
// stays in sight whatever the facilitator was reading.

import { $ } from "./dom.js";

export const PHONE = "(max-width: 37.5rem)";

export class PhoneTabs {
  constructor(root) {
    this.root = root;
    this.list = $("#room-tabs", root);
    this.tabs = [...this.list.querySelectorAll("button[data-tab]")];
    this.media = window.matchMedia(PHONE);
    for (const tab of this.tabs) tab.addEventListener("click", () => this.choose(tab.dataset.tab));
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

  pane(tab) {
    return document.getElementById(tab.getAttribute("aria-controls"));
  }

  /** A click: on a phone the pane shows; on a laptop the side panel scrolls to it. */
  choose(name) {
    if (this.isPhone()) {
      this.select(name, true);
      return;
    }
    const tab = this.tabs.find((t) => t.dataset.tab === name);
    const pane = tab && this.pane(tab);
    if (!pane) return;
    // The side panel scrolls, never the page (scrollIntoView would move the page too).
    const side = pane.closest(".side");
    if (!side) return;
    const top = side.scrollTop + pane.getBoundingClientRect().top - side.getBoundingClientRect().top;
    const reduce = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    side.scrollTo({ top, behavior: reduce ? "auto" : "smooth" });
  }

  select(name, focus = false) {
    this.root.dataset.tab = name;
    const phone = this.isPhone();
    for (const tab of this.tabs) {
      const on = tab.dataset.tab === name;
      if (phone) {
        tab.setAttribute("aria-selected", on ? "true" : "false");
        tab.tabIndex = on ? 0 : -1;
      }
      if (on && focus) tab.focus();
    }
  }

  onKey(event) {
    if (!this.isPhone()) return;
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

  /** Tab roles only while the bar is a phone's tabs; plain buttons on a laptop. */
  sync() {
    const phone = this.isPhone();
    if (phone) this.list.setAttribute("role", "tablist");
    else this.list.removeAttribute("role");
    for (const tab of this.tabs) {
      const pane = this.pane(tab);
      if (pane && !pane.dataset.title) pane.dataset.title = pane.getAttribute("aria-labelledby");
      if (phone) {
        tab.setAttribute("role", "tab");
        pane?.setAttribute("role", "tabpanel");
        pane?.setAttribute("aria-labelledby", tab.id);
      } else {
        tab.removeAttribute("role");
        tab.removeAttribute("aria-selected");
        tab.removeAttribute("tabindex");
        pane?.removeAttribute("role");
        if (pane?.dataset.title) pane.setAttribute("aria-labelledby", pane.dataset.title);
      }
    }
    if (!phone) return;
    const current = this.tabs.find((tab) => tab.dataset.tab === this.root.dataset.tab);
    this.select(current && !current.hidden ? current.dataset.tab : "chat");
  }

  /** Shows the alerts tab (facilitators only). */
  enableAlerts() {
    const tab = this.tabs.find((t) => t.dataset.tab === "alerts");
    if (tab) tab.hidden = false;
  }

  /** Hides it again (a co-host demoted); its pane, if showing on a phone, gives way to chat. */
  disableAlerts() {
    const tab = this.tabs.find((t) => t.dataset.tab === "alerts");
    if (tab) tab.hidden = true;
    if (this.root.dataset.tab === "alerts") this.select("chat");
  }
}
