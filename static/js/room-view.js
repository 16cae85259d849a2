// The meeting room: its state from welcome and events, and the layout's pieces:
// the floor line (floor-line.js), hands and people (people-panel.js), phone tabs
// (phone-tabs.js), the composer with its action row, help and resources (the log
// is conversation.js). Every pseudonym and message goes into the page through
// textContent only, with dir="auto" so Arabic and English each read their own way.

import { $, h, safeUrl, show } from "./dom.js";
import { formatNumber, t } from "./i18n.js";
import { Conversation } from "./conversation.js";
import { FloorLine } from "./floor-line.js";
import { PeoplePanel } from "./people-panel.js";
import { PhoneTabs } from "./phone-tabs.js";

const ERROR_KEYS = new Set([
  "not_your_turn",
  "muted",
  "slow_mode",
  "rate_limited",
  "not_allowed",
  "no_such_participant",
  "no_such_message",
  "queue_empty",
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
const HELP_STATUS_MS = 15000;

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
    this.settings = {};
    this.resources = [];
    this.snapshotSeq = 0;
    this.clockOffset = 0; // server time minus local time, from events' `at`
    this.errorTimer = null;
    this.facilitator = null; // set by the page when you are one
    const dialog = document.getElementById("help-dialog");
    this.el = {
      title: $("#room-title", root),
      group: $("#room-group", root),
      youName: $("#you-name", root),
      youRole: $("#you-role", root),
      conn: $("#conn-status", root),
      log: $("#messages", root),
      composer: $("#composer", root),
      say: $("#say", root),
      send: $("#send", root),
      composerNote: $("#composer-note", root),
      error: $("#room-error", root),
      hand: $("#hand", root),
      yieldBtn: $("#yield", root),
      passBtn: $("#pass", root),
      helpOpen: $("#help-open", root),
      helpStatus: $("#help-status", root),
      helpDialog: dialog,
      helpForm: $("#help-form", dialog),
      helpNote: $("#help-note", dialog),
      helpResources: $("#help-resources", dialog),
      resources: $("#resources", root),
    };
    this.conversation = new Conversation(this.el.log, this);
    this.floorLine = new FloorLine(root, this);
    this.tabs = new PhoneTabs(root);
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
    const { el } = this;
    el.composer.addEventListener("submit", (event) => {
      event.preventDefault();
      this.say();
    });
    el.say.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.say();
      }
    });
    el.hand.addEventListener("click", () => {
      const raised = this.queue.includes(this.you?.id);
      this.run(raised ? "lower_hand" : "raise_hand");
    });
    el.yieldBtn.addEventListener("click", () => this.run("yield"));
    el.passBtn.addEventListener("click", () => this.run("pass"));
    el.helpOpen.addEventListener("click", () => {
      el.helpResources.replaceChildren(...resourceItems(this.resources));
      el.helpDialog.showModal();
      el.helpNote.focus();
    });
    el.helpForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const note = el.helpNote.value.trim();
      const ok = await this.run("help", note ? { note } : {});
      if (ok) {
        el.helpNote.value = "";
        el.helpDialog.close();
        this.helpSent();
        el.helpOpen.focus();
      }
    });
    $("#help-cancel", el.helpDialog).addEventListener("click", () => {
      el.helpDialog.close();
      el.helpOpen.focus();
    });
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

  async say() {
    const text = this.el.say.value.trim();
    if (!text || this.el.say.disabled) return;
    const ok = await this.run("say", { text });
    if (ok && this.el.say.value.trim() === text) this.el.say.value = "";
  }

  /** "The facilitators have been told", for a while: the action row stays one line. */
  helpSent() {
    const status = this.el.helpStatus;
    status.textContent = t("help.sent");
    window.clearTimeout(this.helpTimer);
    this.helpTimer = window.setTimeout(() => {
      status.textContent = "";
    }, HELP_STATUS_MS);
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
    this.settings = state.settings || {};
    this.resources = state.resources || this.resources;
    this.snapshotSeq = frame.seq || 0;
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
    const name = (id) => this.nameOf(id);
    switch (event.type) {
      case "message":
        this.addMessage(event);
        break;
      case "message_deleted":
        this.conversation.remove(event.message_id);
        break;
      case "reaction":
        this.conversation.setReaction(event.message_id, event.emoji, event.count);
        break;
      case "joined":
        this.roles.set(event.participant.id, event.participant.role);
        if (!replay) this.participants.set(event.participant.id, { ...event.participant });
        this.conversation.system(t("room.joined", { name: event.participant.pseudonym }), event);
        break;
      case "left": {
        const who = name(event.participant_id);
        if (!replay) {
          this.participants.delete(event.participant_id);
          this.queue = this.queue.filter((id) => id !== event.participant_id);
        }
        this.conversation.system(t(`room.left_${event.reason || "left"}`, { name: who }), event);
        break;
      }
      case "hand_raised":
      case "hand_lowered":
        if (!replay) this.queue = event.queue || [];
        break;
      case "floor_granted":
        if (!replay) {
          this.floor = {
            participant_id: event.participant_id,
            turn_id: event.turn_id,
            ends_at: event.ends_at,
            started_at: event.at,
          };
          this.queue = this.queue.filter((id) => id !== event.participant_id);
        }
        this.conversation.system(t("room.floor_granted", { name: name(event.participant_id) }), event);
        break;
      case "floor_extended":
        if (!replay && this.floor && this.floor.turn_id === event.turn_id) {
          this.floor = { ...this.floor, ends_at: event.ends_at };
        }
        this.conversation.system(
          event.participant_id === this.you?.id
            ? t("room.you_extended")
            : t("room.floor_extended", { name: name(event.participant_id) }),
          event,
        );
        break;
      case "floor_released":
        if (!replay && this.floor && this.floor.turn_id === event.turn_id) this.floor = null;
        this.conversation.system(
          t(`room.floor_${event.reason || "yielded"}`, { name: name(event.participant_id) }),
          event,
        );
        break;
      case "muted":
      case "unmuted": {
        const p = this.participants.get(event.participant_id);
        if (!replay && p) {
          p.muted = event.type === "muted";
          if (p.muted) this.queue = this.queue.filter((id) => id !== p.id);
        }
        const key = event.participant_id === this.you?.id ? `room.you_${event.type}` : `room.${event.type}`;
        this.conversation.system(t(key, { name: name(event.participant_id) }), event);
        break;
      }
      case "settings_changed":
        if (!replay) this.settings = event.settings || this.settings;
        break;
      case "round_started":
        if (!replay) this.round = { order: event.order || [] };
        this.conversation.system(t("room.round_started"), event);
        break;
      case "round_ended":
        if (!replay) this.round = null;
        this.conversation.system(t("room.round_ended"), event);
        break;
      case "help_requested":
        if (event.participant_id === this.you?.id && !replay) this.helpSent();
        break;
      case "resources_changed":
        if (!replay) {
          this.resources = event.resources || [];
          this.renderResources();
        }
        break;
      default:
        break;
    }
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
    this.people.render();
    this.renderActions();
    this.renderComposer();
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

  /** The action row: raise hand (attendees), I'm done and Pass (the speaker), help. */
  renderActions() {
    const { el, floor } = this;
    const facilitator = this.isFacilitator();
    const me = this.participants.get(this.you.id);
    const mine = Boolean(floor && floor.participant_id === this.you.id);
    const position = this.queue.indexOf(this.you.id);
    show(el.hand, !facilitator && !(mine && position < 0)); // the speaker needs room for I'm done
    show(el.helpOpen, !facilitator);
    show(el.yieldBtn, mine);
    show(el.passBtn, mine && Boolean(this.round));
    el.hand.textContent = position >= 0 ? t("hand.lower") : t("hand.raise");
    el.hand.setAttribute("aria-pressed", position >= 0 ? "true" : "false");
    el.hand.disabled = Boolean((me && me.muted) || (mine && position < 0));
  }

  /** Muted or crosstalk-blocked: the composer is disabled, and says why. */
  renderComposer() {
    const { el, floor, settings } = this;
    const me = this.participants.get(this.you.id);
    let note = "";
    let blocked = false;
    if (me && me.muted) {
      note = t("composer.muted");
      blocked = true;
    } else if (floor && floor.participant_id !== this.you.id && !settings.crosstalk && !this.isFacilitator()) {
      note = t("composer.crosstalk_off", { name: this.nameOf(floor.participant_id) });
      blocked = true;
    } else if (floor && floor.participant_id === this.you.id) note = t("composer.your_turn");
    else if (settings.slow_mode_seconds && !this.isFacilitator()) {
      note = t("composer.slow_mode", { n: formatNumber(settings.slow_mode_seconds) });
    }
    el.composerNote.textContent = note;
    show(el.composerNote, Boolean(note));
    el.say.disabled = blocked;
    el.send.disabled = blocked;
    this.root.classList.toggle("composer-blocked", blocked);
  }

  renderResources() {
    this.el.resources.replaceChildren(...resourceItems(this.resources));
  }

  /** Forgets the conversation (the meeting ended or we were removed). */
  clear() {
    this.floorLine.stop();
    this.conversation.clear();
    if (this.el.helpDialog.open) this.el.helpDialog.close();
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
