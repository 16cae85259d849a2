// The meeting room: its state from welcome and events, the floor and its timer,
// hands, participants, the composer, help and resources (the log is conversation.js).
// Every pseudonym and message goes into the page through textContent only, with
// dir="auto" so Arabic and English shares each read in their own direction.

import { $, h, keepFocus, safeUrl, show } from "./dom.js";
import { formatNumber, locale, ordinal, t } from "./i18n.js";
import { Conversation } from "./conversation.js";
import { formatCountdown } from "./time.js";

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
    this.queue = [];
    this.floor = null;
    this.round = null;
    this.settings = {};
    this.resources = [];
    this.snapshotSeq = 0;
    this.clockOffset = 0; // server time minus local time, from events' `at`
    this.tick = null;
    this.facilitator = null; // set by the page when you are one
    this.el = {
      title: $("#room-title", root),
      group: $("#room-group", root),
      youName: $("#you-name", root),
      youRole: $("#you-role", root),
      conn: $("#conn-status", root),
      banner: $("#floor-banner", root),
      floorText: $("#floor-text", root),
      floorTimer: $("#floor-timer", root),
      yieldBtn: $("#yield", root),
      passBtn: $("#pass", root),
      round: $("#round-banner", root),
      log: $("#messages", root),
      composer: $("#composer", root),
      say: $("#say", root),
      composerNote: $("#composer-note", root),
      error: $("#room-error", root),
      queue: $("#queue", root),
      queuePosition: $("#queue-position", root),
      hand: $("#hand", root),
      participants: $("#participants", root),
      participantCount: $("#participant-count", root),
      helpOpen: $("#help-open", root),
      helpForm: $("#help-form", root),
      helpNote: $("#help-note", root),
      helpStatus: $("#help-status", root),
      helpPanel: $("#help-panel", root),
      resources: $("#resources", root),
    };
    this.conversation = new Conversation(this.el.log, this);
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
      show(el.helpForm, true);
      el.helpOpen.setAttribute("aria-expanded", "true");
      el.helpNote.focus();
    });
    el.helpForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const note = el.helpNote.value.trim();
      const ok = await this.run("help", note ? { note } : {});
      if (ok) {
        el.helpNote.value = "";
        show(el.helpForm, false);
        el.helpOpen.setAttribute("aria-expanded", "false");
        el.helpStatus.textContent = t("help.sent");
        el.helpOpen.focus();
      }
    });
    $("#help-cancel", this.root).addEventListener("click", () => {
      show(el.helpForm, false);
      el.helpOpen.setAttribute("aria-expanded", "false");
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

  showError(code, message) {
    const box = this.el.error;
    if (!code) {
      box.textContent = "";
      show(box, false);
      return;
    }
    box.textContent = errorText(code, message);
    show(box, true);
  }

  async say() {
    const text = this.el.say.value.trim();
    if (!text) return;
    const ok = await this.run("say", { text });
    if (ok && this.el.say.value.trim() === text) this.el.say.value = "";
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
    this.queue = state.queue || [];
    this.floor = state.floor || null;
    this.round = state.round || null;
    this.settings = state.settings || {};
    this.resources = state.resources || this.resources;
    this.snapshotSeq = frame.seq || 0;
    if (!frame.resumed) {
      for (const message of frame.recent || []) this.conversation.add(message);
    }
    if (this.facilitator) this.facilitator.onWelcome(frame);
    this.renderAll();
  }

  onEvent(event) {
    // After a resume, the snapshot already holds the state these missed events
    // produced: replay only what they add to the conversation.
    const replay = typeof event.seq === "number" && event.seq <= this.snapshotSeq;
    if (!replay) this.noteClock(event.at);
    switch (event.type) {
      case "message":
        this.conversation.add(event);
        break;
      case "message_deleted":
        this.conversation.remove(event.message_id);
        break;
      case "reaction":
        this.conversation.setReaction(event.message_id, event.emoji, event.count);
        break;
      case "joined":
        if (!replay) this.participants.set(event.participant.id, { ...event.participant });
        this.conversation.system(t("room.joined", { name: event.participant.pseudonym }), event);
        break;
      case "left": {
        const name = this.nameOf(event.participant_id);
        if (!replay) {
          this.participants.delete(event.participant_id);
          this.queue = this.queue.filter((id) => id !== event.participant_id);
        }
        this.conversation.system(t(`room.left_${event.reason || "left"}`, { name }), event);
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
        this.conversation.system(t("room.floor_granted", { name: this.nameOf(event.participant_id) }), event);
        break;
      case "floor_released":
        if (!replay && this.floor && this.floor.turn_id === event.turn_id) this.floor = null;
        this.conversation.system(
          t(`room.floor_${event.reason || "yielded"}`, { name: this.nameOf(event.participant_id) }),
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
        this.conversation.system(t(key, { name: this.nameOf(event.participant_id) }), event);
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
        if (event.participant_id === this.you?.id) this.el.helpStatus.textContent = t("help.sent");
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
    el.group.textContent = this.meeting?.group || "";
    el.youName.textContent = this.you.pseudonym;
    el.youRole.textContent = t(`role.${this.you.role}`);
    show(el.helpPanel, !this.isFacilitator());
    this.renderResources();
    this.conversation.renderAllActions();
    this.renderState();
    if (this.client) this.onStatus(this.client.status);
  }

  renderState() {
    if (!this.you) return;
    this.renderFloor();
    this.renderQueue();
    this.renderParticipants();
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

  renderFloor() {
    const { el, floor } = this;
    window.clearInterval(this.tick);
    const mine = floor && floor.participant_id === this.you.id;
    show(el.banner, Boolean(floor));
    el.banner.classList.toggle("mine", Boolean(mine));
    show(el.yieldBtn, Boolean(mine));
    show(el.passBtn, Boolean(mine && this.round));
    if (this.round) {
      const names = (this.round.order || []).map((id) => this.nameOf(id));
      const list = new Intl.ListFormat(locale(), { type: "conjunction" }).format(names);
      el.round.textContent = t("room.round_banner", { names: list });
    }
    show(el.round, Boolean(this.round));
    if (!floor) return;
    const text = mine ? t("floor.yours") : t("floor.other", { name: this.nameOf(floor.participant_id) });
    if (el.floorText.textContent !== text) el.floorText.textContent = text;
    const update = () => {
      if (!floor.ends_at) {
        el.floorTimer.textContent = "";
        return;
      }
      const left = Date.parse(floor.ends_at) - this.serverNow();
      el.floorTimer.textContent = t("floor.left", { time: formatCountdown(left) });
      el.floorTimer.dataset.low = left < 30000 ? "true" : "false";
    };
    update();
    this.tick = window.setInterval(update, 1000);
  }

  renderQueue() {
    const { el } = this;
    el.queue.replaceChildren(
      ...this.queue.map((id, i) =>
        h(
          "li",
          { class: id === this.you.id ? "me" : null },
          h("span", { class: "pos", text: formatNumber(i + 1) }),
          " ",
          h("span", { dir: "auto", text: this.nameOf(id) }),
        ),
      ),
    );
    const position = this.queue.indexOf(this.you.id);
    if (position >= 0) el.queuePosition.textContent = t("queue.position", { nth: ordinal(position + 1) });
    else if (this.queue.length === 0) el.queuePosition.textContent = t("queue.empty");
    else el.queuePosition.textContent = t("queue.waiting", { n: formatNumber(this.queue.length) });
    const me = this.participants.get(this.you.id);
    const holding = this.floor && this.floor.participant_id === this.you.id;
    el.hand.textContent = position >= 0 ? t("hand.lower") : t("hand.raise");
    el.hand.setAttribute("aria-pressed", position >= 0 ? "true" : "false");
    el.hand.disabled = Boolean((me && me.muted) || (holding && position < 0));
  }

  renderParticipants() {
    const { el } = this;
    const list = [...this.participants.values()];
    el.participantCount.textContent = formatNumber(list.length);
    keepFocus(el.participants, () => el.participants.replaceChildren(
      ...list.map((p) => {
        const position = this.queue.indexOf(p.id);
        const li = h(
          "li",
          { class: "participant", dataset: { participantId: p.id } },
          h("span", { class: "name", dir: "auto", text: p.pseudonym }),
          p.id === this.you.id ? h("span", { class: "badge", text: t("participant.you") }) : null,
          p.role === "facilitator" ? h("span", { class: "badge role", text: t("role.facilitator") }) : null,
          this.floor && this.floor.participant_id === p.id
            ? h("span", { class: "badge share", text: t("participant.sharing") })
            : null,
          position >= 0
            ? h("span", { class: "badge hand", text: t("participant.hand", { n: formatNumber(position + 1) }) })
            : null,
          p.muted ? h("span", { class: "badge muted", text: t("participant.muted") }) : null,
        );
        if (this.facilitator) this.facilitator.decorateParticipant(li, p);
        return li;
      }),
    ));
  }

  renderComposer() {
    const { el, floor, settings } = this;
    const me = this.participants.get(this.you.id);
    let note = "";
    if (me && me.muted) note = t("composer.muted");
    else if (
      floor &&
      floor.participant_id !== this.you.id &&
      !settings.crosstalk &&
      !this.isFacilitator()
    ) {
      note = t("composer.crosstalk_off", { name: this.nameOf(floor.participant_id) });
    } else if (floor && floor.participant_id === this.you.id) note = t("composer.your_turn");
    else if (settings.slow_mode_seconds) {
      note = t("composer.slow_mode", { n: formatNumber(settings.slow_mode_seconds) });
    }
    el.composerNote.textContent = note;
    show(el.composerNote, Boolean(note));
  }

  renderResources() {
    this.el.resources.replaceChildren(...resourceItems(this.resources));
  }

  /** Forgets the conversation (the meeting ended or we were removed). */
  clear() {
    window.clearInterval(this.tick);
    this.conversation.clear();
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
