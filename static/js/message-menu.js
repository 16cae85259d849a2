// One compact control per message: a "React" button opening a small menu with the six
// reactions (checked when they are yours), Report, and a facilitator's own actions;
// under the message, a chip per reaction in use ("❤️ 2"), pressed when it is yours,
// which also toggles it. None of these is a Tab stop: the message list has one
// (conversation.js moves it with the arrow keys), and Enter opens this menu.

import { h } from "./dom.js";
import { formatNumber, t } from "./i18n.js";

// The server's set (rooms/protocol.py REACTIONS); an unknown one arriving is added.
export const REACTIONS = ["❤️", "👏", "🙏", "🤗", "💪", "🌱"];
const REACTION_NAMES = {
  "❤️": "reaction.heart",
  "👏": "reaction.clap",
  "🙏": "reaction.thanks",
  "🤗": "reaction.hug",
  "💪": "reaction.strength",
  "🌱": "reaction.growth",
};
export const REPORT_REASONS = ["harmful", "identifying", "spam", "other"];

export function reactionLabel(emoji) {
  return t(REACTION_NAMES[emoji] || "reaction.other", { emoji });
}

/** The "React" button of a message, and its chips row (both rebuilt on a language change). */
export function messageControls(conversation, entry) {
  const { data } = entry;
  if (entry.deleted) return { more: null, chips: null };
  const more = h(
    "button",
    {
      type: "button",
      class: "msg-more",
      tabindex: "-1",
      "aria-haspopup": "menu",
      "aria-expanded": "false",
      "aria-label": t("message.menu_label", { name: data.pseudonym }),
      onclick: (event) => openMenu(conversation, entry, event.currentTarget),
    },
    h("span", { class: "msg-more-dots", "aria-hidden": "true", text: "⋯" }),
    h("span", { text: t("message.menu") }),
  );
  // Counts changing are not news for the log's live region; the chips are read on demand.
  const chips = h("div", { class: "react-chips", "aria-live": "off" });
  fillChips(conversation, entry, chips);
  return { more, chips };
}

/** The chips under a message: one per reaction someone gave, pressed when it is yours. */
export function fillChips(conversation, entry, chips) {
  if (!chips) return;
  const used = conversation.reactions.filter((emoji) => (entry.counts.get(emoji) || 0) > 0);
  chips.replaceChildren(
    ...used.map((emoji) => {
      const n = entry.counts.get(emoji) || 0;
      const mine = conversation.isMine(entry, emoji);
      const label = reactionLabel(emoji);
      return h(
        "button",
        {
          type: "button",
          class: mine ? "react-chip mine" : "react-chip",
          tabindex: "-1",
          dataset: { emoji },
          "aria-pressed": mine ? "true" : "false",
          "aria-label": t(mine ? "message.react_count_mine" : "message.react_count", {
            label,
            n: formatNumber(n),
          }),
          title: label,
          onclick: () => conversation.toggle(entry, emoji),
        },
        h("span", { "aria-hidden": "true", text: emoji }),
        " ",
        h("span", { class: "count", text: formatNumber(n) }),
      );
    }),
  );
  chips.hidden = used.length === 0;
}

let open = null; // {menu, opener, close}

export function closeMenu({ focus = true } = {}) {
  if (open) open.close(focus);
}

function openMenu(conversation, entry, opener) {
  const again = open && open.opener === opener;
  closeMenu({ focus: false });
  if (again) {
    opener.focus();
    return;
  }
  const { data } = entry;
  const you = conversation.room.you;
  const items = conversation.reactions.map((emoji) => {
    const mine = conversation.isMine(entry, emoji);
    return h(
      "button",
      {
        type: "button",
        role: "menuitemcheckbox",
        class: "menu-reaction",
        tabindex: "-1",
        "aria-checked": mine ? "true" : "false",
        "aria-label": reactionLabel(emoji),
        title: reactionLabel(emoji),
        dataset: { emoji },
        onclick: () => {
          close(true);
          conversation.toggle(entry, emoji);
        },
      },
      h("span", { "aria-hidden": "true", text: emoji }),
    );
  });
  const extra = [];
  if (you && data.participant_id === you.id) {
    extra.push(
      h("button", {
        type: "button",
        role: "menuitem",
        class: "menu-item",
        tabindex: "-1",
        text: t("message.retract"),
        "aria-label": t("message.retract_label"),
        onclick: () => {
          close(false);
          conversation.room.run("retract", { message_id: data.message_id });
          conversation.focusEntry(entry, opener);
        },
      }),
    );
  }
  if (!you || data.participant_id !== you.id) {
    extra.push(
      h("button", {
        type: "button",
        role: "menuitem",
        class: "menu-item",
        tabindex: "-1",
        text: t("message.report"),
        onclick: () => {
          close(false);
          openReport(conversation, entry, opener);
        },
      }),
    );
  }
  const tools = conversation.room.facilitator ? conversation.room.facilitator.messageActions(entry) : [];
  for (const tool of tools) {
    tool.setAttribute("role", "menuitem");
    tool.setAttribute("tabindex", "-1");
    tool.classList.add("menu-item");
    tool.addEventListener("click", () => close(false));
    extra.push(tool);
  }
  const menu = h(
    "div",
    {
      class: "msg-menu",
      role: "menu",
      "aria-live": "off", // focus announces it; the log's live region must not
      "aria-label": t("message.menu_label", { name: data.pseudonym }),
    },
    h("div", { class: "menu-reactions", role: "group", "aria-label": t("message.react_group") }, ...items),
    ...extra,
  );
  const all = () => [...menu.querySelectorAll("[role^=menuitem]")];
  menu.addEventListener("keydown", (event) => {
    const list = all();
    const at = list.indexOf(document.activeElement);
    const step = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 }[event.key];
    if (step) {
      event.preventDefault();
      const rtl = getComputedStyle(menu).direction === "rtl";
      const dir = rtl && (event.key === "ArrowRight" || event.key === "ArrowLeft") ? -step : step;
      list[(at + dir + list.length) % list.length].focus();
    } else if (event.key === "Home" || event.key === "End") {
      event.preventDefault();
      list[event.key === "Home" ? 0 : list.length - 1].focus();
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      close(true);
    } else if (event.key === "Tab") {
      close(false);
    }
  });
  const outside = (event) => {
    if (!menu.contains(event.target) && event.target !== opener && !opener.contains(event.target)) close(false);
  };
  function close(focus) {
    if (!open || open.menu !== menu) return;
    open = null;
    document.removeEventListener("pointerdown", outside, true);
    menu.remove();
    opener.setAttribute("aria-expanded", "false");
    if (focus) conversation.focusEntry(entry, opener);
  }
  open = { menu, opener, close };
  document.addEventListener("pointerdown", outside, true);
  opener.setAttribute("aria-expanded", "true");
  conversation.entryMenu(entry, menu);
  const first = items.find((item) => item.getAttribute("aria-checked") === "true") || items[0];
  first.focus();
}

/** The report form under the message: a reason, Send, Cancel. */
export function openReport(conversation, entry, opener) {
  const existing = entry.li.querySelector(".report-form");
  if (existing) {
    existing.querySelector("select")?.focus();
    return;
  }
  const id = `report-${entry.data.message_id}`;
  const select = h(
    "select",
    { id, name: "reason" },
    ...REPORT_REASONS.map((reason) => h("option", { value: reason, text: t(`report.${reason}`) })),
  );
  const back = () => conversation.focusEntry(entry, opener);
  const form = h(
    "form",
    { class: "report-form", "aria-live": "off" },
    h("label", { for: id, text: t("report.label") }),
    select,
    h("button", { type: "submit", class: "secondary", text: t("report.send") }),
    h("button", {
      type: "button",
      class: "link-button",
      text: t("action.cancel"),
      onclick: () => {
        form.remove();
        back();
      },
    }),
  );
  form.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    event.preventDefault();
    event.stopPropagation();
    form.remove();
    back();
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const ok = await conversation.room.run("report", { message_id: entry.data.message_id, reason: select.value });
    if (ok) {
      const hadFocus = form.contains(document.activeElement);
      form.replaceChildren(h("p", { class: "note", role: "status", text: t("report.thanks") }));
      if (hadFocus) back();
      window.setTimeout(() => form.remove(), 4000);
    }
  });
  entry.li.append(form);
  select.focus();
}
