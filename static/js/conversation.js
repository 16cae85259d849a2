// The conversation in the room's log: messages, shares set apart, reactions,
// reports and deletions, and short system lines. Pseudonyms and message text go in
// through textContent only, with dir="auto".
//
// Keyboard: the list is one Tab stop (roving tabindex on the messages). Up and Down
// move between messages, Home and End to the first and last; Enter, Space, the
// context-menu key or Shift+F10 opens the message's menu (message-menu.js); Escape
// closes it and focus comes back to the message.
//
// System lines are kept as an i18n key and its params, so a language change
// re-renders them: call system({key, params}, event). A plain string is still
// accepted; when it is exactly what the event's usual key says, the key is kept.

import { h } from "./dom.js";
import { formatNumber, t } from "./i18n.js";
import { closeMenu, fillChips, messageControls, REACTIONS } from "./message-menu.js";
import { keepReactions, ownReactions } from "./session.js";
import { lineOf } from "./system-lines.js";
import { formatTime } from "./time.js";

function maskedText(n) {
  return n === 1 ? t("message.masked_one") : t("message.masked", { n: formatNumber(n) });
}

export { REPORT_REASONS } from "./message-menu.js";

export class Conversation {
  /** `room` gives `you`, `meeting`, `run(type, fields)`, `nameOf(id)` and, for
   * facilitators, `facilitator`. */
  constructor(log, room) {
    this.log = log;
    this.room = room;
    this.reactions = [...REACTIONS];
    this.messages = new Map(); // message_id -> entry
    this.lines = []; // system lines: {span, key, params, text}
    this.names = new Map(); // participant id -> pseudonym, for lines about people gone
    this.mine = null; // Set of "message_id emoji": your own reactions
    this.current = null; // the message entry holding the list's Tab stop
    this.bindKeys();
    this.keepNewestInView();
    document.addEventListener("langchange", () => this.retranslate());
  }

  /** A card opening above the conversation shrinks it; whoever was reading the newest
   * lines still sees them, and whoever had scrolled back stays where they were. */
  keepNewestInView() {
    const log = this.log;
    this.stuck = true;
    log.addEventListener("scroll", () => { this.stuck = this.nearBottom(); }, { passive: true });
    new ResizeObserver(() => { if (this.stuck) log.scrollTop = log.scrollHeight; }).observe(log);
  }

  // Keyboard ----------------------------------------------------------------

  bindKeys() {
    this.log.addEventListener("keydown", (event) => this.onKey(event));
    this.log.addEventListener("focusin", (event) => {
      const li = event.target.closest?.("li.msg");
      const entry = li && this.messages.get(li.dataset.messageId);
      if (entry) this.setCurrent(entry);
    });
  }

  entries() {
    return [...this.messages.values()];
  }

  setCurrent(entry) {
    if (this.current === entry) return;
    if (this.current) this.current.li.tabIndex = -1;
    this.current = entry;
    if (entry) entry.li.tabIndex = 0;
    // While messages hold the Tab stop, the list itself is not a second one.
    if (entry) this.log.setAttribute("tabindex", "-1");
  }

  focusEntry(entry, opener) {
    if (!entry || !entry.li.isConnected) return;
    this.setCurrent(entry);
    (opener && opener.isConnected ? opener : entry.li).focus();
  }

  onKey(event) {
    if (event.target.closest?.(".msg-menu, .report-form")) return;
    const li = event.target.closest?.("li.msg");
    const entry = li && this.messages.get(li.dataset.messageId);
    const list = this.entries();
    if (!list.length) return;
    const at = entry ? list.indexOf(entry) : -1;
    let next = null;
    if (event.key === "ArrowDown") next = list[Math.min(list.length - 1, at + 1)];
    else if (event.key === "ArrowUp") next = list[Math.max(0, at - 1)];
    else if (event.key === "Home" && event.target === li) next = list[0];
    else if (event.key === "End" && event.target === li) next = list[list.length - 1];
    else if (
      entry &&
      event.target === li &&
      (["Enter", " ", "ContextMenu"].includes(event.key) || (event.key === "F10" && event.shiftKey))
    ) {
      event.preventDefault();
      entry.more?.click();
      return;
    } else if (entry && event.key === "Escape") {
      closeMenu({ focus: false });
      this.focusEntry(entry);
      return;
    }
    if (!next) return;
    event.preventDefault();
    this.focusEntry(next);
    next.li.scrollIntoView({ block: "nearest" });
  }

  // Lines -------------------------------------------------------------------

  nearBottom() {
    const log = this.log;
    return log.scrollHeight - log.scrollTop - log.clientHeight < 80;
  }

  append(li) {
    const stick = this.nearBottom();
    this.log.append(li);
    if (stick) this.log.scrollTop = this.log.scrollHeight;
  }

  rememberNames() {
    for (const p of this.room.participants?.values?.() || []) this.names.set(p.id, p.pseudonym);
  }

  /** A short line: system({key, params}, event), or system(text, event). */
  system(what, event) {
    this.rememberNames();
    const name = (id) => this.names.get(id) || this.room.nameOf?.(id) || t("room.someone");
    const line = typeof what === "string" ? lineOf(what, event, name) : { ...what };
    const span = h("span", { text: line.key ? t(line.key, line.params) : line.text });
    this.lines.push({ span, ...line });
    this.append(
      h(
        "li",
        { class: "system" },
        span,
        event && event.at ? h("time", { datetime: event.at, text: formatTime(event.at) }) : null,
      ),
    );
  }

  /** Every system line and message label again, in the language now chosen. */
  retranslate() {
    for (const line of this.lines) line.span.textContent = line.key ? t(line.key, line.params) : line.text;
    for (const entry of this.messages.values()) {
      if (entry.badge) entry.badge.textContent = t("message.share");
      if (entry.deleted) entry.body.textContent = t(entry.retracted ? "message.withdrawn" : "message.deleted");
      if (entry.masked) entry.masked.textContent = maskedText(entry.data.masked);
      if (entry.time) entry.time.textContent = formatTime(entry.data.at);
    }
    for (const line of this.log.querySelectorAll("li.system time")) {
      line.textContent = formatTime(line.getAttribute("datetime"));
    }
    this.renderAllActions();
  }

  /** A whisper: a private line, marked as such, with no reactions or menu. */
  whisper(event) {
    if (this.log.querySelector(`li.whisper[data-seq="${event.seq}"]`)) return;
    const you = this.room.you;
    let key;
    let params = {};
    if (event.to == null) key = "whisper.to_facilitators";
    else if (you && event.to === you.id) [key, params] = ["whisper.from", { name: event.pseudonym }];
    else [key, params] = ["whisper.to", { name: event.to_pseudonym || t("room.someone") }];
    const mine = you && event.participant_id === you.id;
    const label = h("span", { class: "badge private", text: t(key, params) });
    this.lines.push({ span: label, key, params });
    this.append(
      h(
        "li",
        { class: ["msg", "whisper", mine ? "mine" : ""].filter(Boolean).join(" "), dataset: { seq: String(event.seq) } },
        h(
          "p",
          { class: "msg-head" },
          h("span", { class: "msg-author", dir: "auto", text: event.pseudonym }),
          " ",
          label,
          event.at ? h("time", { datetime: event.at, text: formatTime(event.at) }) : null,
        ),
        h("p", { class: "msg-text", dir: "auto", text: event.text }),
      ),
    );
  }

  // Messages ------------------------------------------------------------------

  add(message) {
    if (!message.message_id || this.messages.has(message.message_id)) return;
    const you = this.room.you;
    const mine = you && message.participant_id === you.id;
    if (message.participant_id) this.names.set(message.participant_id, message.pseudonym);
    const li = h("li", {
      class: ["msg", message.share ? "share" : "", mine ? "mine" : ""].filter(Boolean).join(" "),
      tabindex: "-1",
      dataset: { messageId: message.message_id },
    });
    const badge = message.share ? h("span", { class: "badge share", text: t("message.share") }) : null;
    const time = message.at ? h("time", { datetime: message.at, text: formatTime(message.at) }) : null;
    const head = h(
      "p",
      { class: "msg-head" },
      h("span", { class: "msg-author", dir: "auto", text: message.pseudonym }),
      badge,
      time,
    );
    // Facilitators see that the group's word list masked something; attendees the mask.
    const masked =
      message.masked > 0 && this.room.isFacilitator?.()
        ? h("span", { class: "badge masked", text: maskedText(message.masked) })
        : null;
    if (masked) head.insertBefore(masked, time);
    const body = h("p", { class: "msg-text", dir: "auto", text: message.text });
    const actions = h("div", { class: "msg-actions" });
    li.append(head, body, actions);
    const entry = { li, head, body, badge, masked, time, actions, data: message, counts: new Map(), deleted: false };
    entry.more = null;
    entry.chips = null;
    this.messages.set(message.message_id, entry);
    this.renderActions(entry);
    this.append(li);
    // The newest message holds the Tab stop, unless someone is reading further up.
    if (!this.current || !this.log.contains(document.activeElement)) this.setCurrent(entry);
  }

  /** Rebuilds every message's controls (a language change, or facilitator tools arriving). */
  renderAllActions() {
    this.rememberNames();
    for (const entry of this.messages.values()) this.renderActions(entry);
  }

  /** The "React" button at the end of the message's first line, chips under it. */
  renderActions(entry) {
    const hadFocus =
      entry.actions.contains(document.activeElement) || Boolean(entry.more?.contains(document.activeElement));
    const { more, chips } = messageControls(this, entry);
    if (entry.more) entry.more.remove();
    entry.more = more;
    entry.chips = chips;
    if (more) entry.head.append(more);
    entry.actions.replaceChildren(...[chips].filter(Boolean));
    if (hadFocus) this.focusEntry(entry, more);
  }

  /** Where a message's open menu goes: in the message, under its first line. */
  entryMenu(entry, menu) {
    entry.head.after(menu);
    menu.style.insetBlockStart = `${entry.head.offsetTop + entry.head.offsetHeight}px`;
    const box = menu.getBoundingClientRect();
    const log = this.log.getBoundingClientRect();
    const roomAbove = entry.head.getBoundingClientRect().top - log.top;
    if (box.bottom > log.bottom && roomAbove > box.height) {
      menu.style.insetBlockStart = "auto";
      menu.style.insetBlockEnd = `${entry.li.offsetHeight - entry.head.offsetTop}px`;
    }
  }

  // Reactions -----------------------------------------------------------------

  ownSet() {
    if (!this.mine) this.mine = this.meetingId() ? ownReactions(this.meetingId()) : new Set();
    return this.mine;
  }

  meetingId() {
    return this.room.meeting?.id || this.room.client?.meetingId || "";
  }

  isMine(entry, emoji) {
    return this.ownSet().has(`${entry.data.message_id} ${emoji}`);
  }

  /** Sends `react`: the same emoji again takes yours back (the server toggles too). */
  async toggle(entry, emoji) {
    const ok = await this.room.run("react", { message_id: entry.data.message_id, emoji });
    if (!ok) return;
    const mine = this.ownSet();
    const key = `${entry.data.message_id} ${emoji}`;
    if (mine.has(key)) mine.delete(key);
    else mine.add(key);
    if (this.meetingId()) keepReactions(this.meetingId(), mine);
    this.showReactions(entry);
  }

  /** A new participant (a resume that came too late) has no reactions yet. */
  forgetOwnReactions() {
    this.mine = new Set();
    if (this.meetingId()) keepReactions(this.meetingId(), this.mine);
    for (const entry of this.messages.values()) this.showReactions(entry);
  }

  showReactions(entry) {
    const focused = entry.chips && entry.chips.contains(document.activeElement);
    const emoji = focused ? document.activeElement.dataset.emoji : null;
    fillChips(this, entry, entry.chips);
    if (!focused) return;
    const again = emoji && entry.chips.querySelector(`[data-emoji="${CSS.escape(emoji)}"]`);
    this.focusEntry(entry, again || entry.more);
  }

  setReaction(messageId, emoji, count) {
    const entry = this.messages.get(messageId);
    if (!entry) return;
    entry.counts.set(emoji, count);
    if (!this.reactions.includes(emoji)) this.reactions = [...this.reactions, emoji];
    this.showReactions(entry);
  }

  /** A facilitator deleted the message, or (`retracted`) its author took it back. */
  remove(messageId, retracted = false) {
    const entry = this.messages.get(messageId);
    if (!entry || entry.deleted) return;
    entry.deleted = true;
    entry.retracted = retracted;
    entry.li.classList.add("deleted");
    entry.body.textContent = t(retracted ? "message.withdrawn" : "message.deleted");
    entry.body.removeAttribute("dir");
    const form = entry.li.querySelector(".report-form");
    if (form) form.remove();
    const menu = entry.li.querySelector(".msg-menu");
    if (menu) closeMenu({ focus: false });
    const hadFocus = entry.li.contains(document.activeElement);
    this.renderActions(entry);
    if (hadFocus) this.focusEntry(entry);
  }

  /** Forgets everything said (the meeting ended, or we left or were removed). */
  clear() {
    closeMenu({ focus: false });
    this.log.replaceChildren();
    this.messages.clear();
    this.lines = [];
    this.mine = null;
    this.current = null;
    this.log.setAttribute("tabindex", "0");
  }
}
