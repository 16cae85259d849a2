// The meeting room: its state from welcome and events (room-events.js), and the
// layout's pieces: the floor line (floor-line.js), hands and people
// (people-panel.js), phone tabs (phone-tabs.js), the composer with its action row
// and help (composer-area.js), and resources (the log is conversation.js). Every
// pseudonym and message goes into the page through textContent only, with
// dir="auto" so Arabic and English each read their own way.

import { $, h, safeUrl, show } from "./dom.js";
import { t } from "./i18n.js";
import { Conversation } from "./conversation.js";
import { FloorLine } from "./floor-line.js";
import { AgendaLine } from "./agenda.js";
import { PeoplePanel } from "./people-panel.js";
import { PhoneTabs } from "./phone-tabs.js";
import { ComposerArea } from "./composer-area.js";
import { applyEvent } from "./room-events.js";
import { ChairLine } from "./chair.js";

const ERROR_KEYS = new Set([
  "not_your_turn",
  "muted",
  "slow_mode",
  "rate_limited",
  "not_allowed",
  "no_such_participant",
  "no_such_message",
  "no_such_poll",
  "queue_empty",
  "queue_closed",
  "too_large",
  "bad_request",
  "offline",
  "timeout",
  "disconnected",
  "unavailable",
  "pseudonym_taken",
  "pseudonym_invalid",
]);
const ERROR_MS = 12000;

/** A polite sentence for an error code (the server's own message as a last resort). */
export function errorText(code, message) {
  if (ERROR_KEYS.has(code)) return t(`error.${code}`);
  return message || t("error.generic");
}

export class RoomView {
  constructor(root) {
    this.root = root;
    this.client = null;
    this.you = null;
    this.meeting = null;
    this.participants = new Map();
    this.roles = new Map(); // every participant seen -> role, to mark facilitators' messages
    this.queue = [];
    this.floor = null;
    this.round = null;
    this.chair = "held"; // "reconnecting" or "empty" while no facilitator is here (chair.js)
    this.settings = {};
    this.resources = [];
    this.snapshotSeq = 0;
    this.clockOffset = 0; // server time minus local time, from events' `at`
    this.errorTimer = null;
    this.facilitator = null; // set by the page when you are one
    this.el = {
      title: $("#room-title", root),
      group: $("#room-group", root),
      youName: $("#you-name", root),
      youRole: $("#you-role", root),
      conn: $("#conn-status", root),
      log: $("#messages", root),
      error: $("#room-error", root),
      resources: $("#resources", root),
    };
    this.conversation = new Conversation(this.el.log, this);
    this.floorLine = new FloorLine(root, this);
    this.chairLine = new ChairLine(root, this);
    this.agendaLine = new AgendaLine(root, this);
    this.tabs = new PhoneTabs(root);
    this.composer = new ComposerArea(root, this, resourceItems);
    this.people = new PeoplePanel(
      {
        participants: $("#participants", root),
        participantCount: $("#participant-count", root),
        queue: $("#queue", root),
        queueCount: $("#queue-count", root),
        tabHandsCount: $("#tab-hands-count", root),
        queuePosition: $("#queue-position", root),
      },
      this,
    );
    this.bind();
  }

  // Wiring ----------------------------------------------------------------

  bind() {
    document.addEventListener("langchange", () => this.renderAll());
  }

  /** Shows the room of this connection (a new join replaces an abandoned one). */
  attach(client) {
    this.client = client;
    client.addEventListener("welcome", (e) => this.onWelcome(e.detail));
    client.addEventListener("event", (e) => this.onEvent(e.detail));
    client.addEventListener("status", (e) => this.onStatus(e.detail.status));
    client.addEventListener("notice", (e) => this.showError(e.detail.code, e.detail.message));
    client.addEventListener("fresh", () => this.conversation.system(t("room.rejoined_fresh")));
  }

  /** Sends a command; shows a refusal politely. Resolves true on success. */
  async run(type, fields = {}) {
    try {
      const reply = await this.client.command(type, fields);
      this.showError(null);
      return reply || true;
    } catch (error) {
      this.showError(error.code, error.message);
      return false;
    }
  }

  /** A refusal, in one compact line above the composer, gone after a while. */
  showError(code, message) {
    const box = this.el.error;
    window.clearTimeout(this.errorTimer);
    if (!code) {
      box.textContent = "";
      show(box, false);
      return;
    }
    box.textContent = errorText(code, message);
    show(box, true);
    this.errorTimer = window.setTimeout(() => show(box, false), ERROR_MS);
  }

  /** On a phone, switches the middle region to a pane (chat, alerts, hands, people, support). */
  showPane(name) {
    if (this.tabs.isPhone()) this.tabs.select(name);
  }

  // Server time -----------------------------------------------------------

  serverNow() {
    return Date.now() + this.clockOffset;
  }

  noteClock(at) {
    if (!at) return;
    const server = Date.parse(at);
    if (!Number.isNaN(server)) this.clockOffset = server - Date.now();
  }

  // State -----------------------------------------------------------------

  onWelcome(frame) {
    this.you = frame.you;
    this.meeting = frame.meeting || this.meeting;
    const state = frame.state || {};
    this.participants = new Map((state.participants || []).map((p) => [p.id, { ...p }]));
    for (const p of this.participants.values()) this.roles.set(p.id, p.role);
    this.roles.set(this.you.id, this.you.role);
    this.queue = state.queue || [];
    this.floor = state.floor || null;
    this.round = state.round || null;
    this.chair = state.chair || "held";
    this.settings = state.settings || {};
    this.resources = state.resources || this.resources;
    this.snapshotSeq = frame.seq || 0;
    this.agendaLine.onWelcome(frame);
    if (!frame.resumed) {
      for (const message of frame.recent || []) this.addMessage(message);
    }
    if (this.facilitator) this.facilitator.onWelcome(frame);
    this.renderAll();
  }

  /** A message into the conversation, marked when a facilitator wrote it. */
  addMessage(message) {
    this.conversation.add(message);
    if (this.roles.get(message.participant_id) !== "facilitator") return;
    const entry = this.conversation.messages.get(message.message_id);
    const li = entry?.li;
    if (!li || li.classList.contains("from-facilitator")) return;
    li.classList.add("from-facilitator");
    const author = li.querySelector(".msg-author");
    if (author) author.after(" ", h("span", { class: "badge role", text: t("role.facilitator") }));
  }

  onEvent(event) {
    // After a resume, the snapshot already holds the state these missed events
    // produced: replay only what they add to the conversation.
    const replay = typeof event.seq === "number" && event.seq <= this.snapshotSeq;
    if (!replay) this.noteClock(event.at);
    applyEvent(this, event, replay);
    if (this.facilitator) this.facilitator.onEvent(event, replay);
    this.renderState();
  }

  nameOf(id) {
    const p = this.participants.get(id);
    if (p) return p.pseudonym;
    if (this.you && id === this.you.id) return this.you.pseudonym;
    return t("room.someone");
  }

  isFacilitator() {
    return this.you?.role === "facilitator";
  }

  // Rendering -------------------------------------------------------------

  renderAll() {
    if (!this.you) return;
    const { el } = this;
    el.title.textContent = this.meeting?.title || "";
    el.title.title = this.meeting?.title || "";
    el.group.textContent = this.meeting?.group || "";
    el.youName.textContent = this.you.pseudonym;
    el.youRole.textContent = t(`role.${this.you.role}`);
    this.renderResources();
    for (const badge of el.log.querySelectorAll(".from-facilitator .msg-head .badge.role")) {
      badge.textContent = t("role.facilitator");
    }
    this.conversation.renderAllActions();
    this.renderState();
    if (this.client) this.onStatus(this.client.status);
  }

  renderState() {
    if (!this.you) return;
    this.floorLine.render();
    this.chairLine.render();
    this.agendaLine.render();
    this.people.render();
    this.composer.render();
    if (this.facilitator) this.facilitator.render();
  }

  onStatus(status) {
    const key = {
      connecting: "conn.connecting",
      reconnecting: "conn.reconnecting",
      offline: "conn.offline",
      in: "conn.connected",
      waiting: "conn.connected",
      closed: "conn.closed",
    }[status];
    if (!key) return;
    this.el.conn.textContent = t(key);
    this.el.conn.dataset.status = status;
    this.root.classList.toggle("is-disconnected", status === "reconnecting" || status === "offline");
  }

  renderResources() {
    this.el.resources.replaceChildren(...resourceItems(this.resources));
  }

  /** Forgets the conversation (the meeting ended or we were removed). */
  clear() {
    this.floorLine.stop();
    this.agendaLine.stop();
    this.conversation.clear();
    this.composer.close();
  }
}

/** The group's resources as list items, crisis lines first. */
export function resourceItems(resources) {
  const crisisFirst = (r) => (r.kind === "crisis" ? 0 : 1);
  return [...resources].sort((a, b) => crisisFirst(a) - crisisFirst(b)).map(resourceItem);
}

function resourceItem(resource) {
  const crisis = resource.kind === "crisis";
  return h(
    "li",
    { class: crisis ? "resource crisis" : "resource" },
    crisis ? h("span", { class: "badge crisis", text: t("resource.crisis") }) : null,
    h("a", { href: safeUrl(resource.url), rel: "noopener noreferrer", target: "_blank", dir: "auto", text: resource.title }),
  );
}
