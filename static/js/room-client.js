// The room connection: hello, commands with ack/error, heartbeats, and automatic
// resume after a dropped connection (exponential backoff with jitter).
//
// Events dispatched (CustomEvent, details in `detail`):
//   status   {status: connecting|waiting|in|reconnecting|offline|closed}
//   welcome  the welcome frame (also after a resume: frame.resumed is true)
//   waiting  the waiting frame (lobby)
//   event    a room event with a new seq (never twice)
//   fatal    {code, message}: no more reconnecting (removed, denied, ended...)
//   joinerror {code, message}: the hello was refused in a way the person can fix
//   fresh    a resume failed and we joined again as a new participant
//   resumefailed {code, message}: a resume carried over from an earlier page (a
//            reload) failed; nothing to join again with, so the page asks
//   notice   {code, message}: an error frame that answers no command
//
// With `options.session` ({token, last_seq} from session.js) the first hello is a
// resume; with `options.keep(fields)` the client reports its resume token, pseudonym
// and last seq as they change, and `options.forget()` when it stops for good.

const FATAL = new Set([
  "removed",
  "banned",
  "denied",
  "meeting_ended",
  "meeting_not_found",
  "meeting_not_open",
  "room_locked",
  "room_full",
  "not_allowed",
]);
const FIXABLE = new Set(["pseudonym_taken", "pseudonym_invalid", "invite_required", "invite_invalid"]);
const HEARTBEAT_MS = 20000;
const PONG_TIMEOUT_MS = 10000;
const COMMAND_TIMEOUT_MS = 15000;
const MAX_BACKOFF_MS = 15000;
// The server allows 10 commands per 5 s (PROTOCOL.md); stay under it with a margin
// for network jitter, so quick clicks wait a moment instead of being refused.
const RATE_LIMIT = 9;
const RATE_WINDOW_MS = 5500;

class CommandError extends Error {
  constructor(code, message) {
    super(message || code);
    this.code = code;
  }
}

export class RoomClient extends EventTarget {
  constructor(meetingId, hello, options = {}) {
    super();
    this.meetingId = meetingId;
    this.hello = { ...hello };
    this.keep = options.keep || (() => {});
    this.forget = options.forget || (() => {});
    this.ws = null;
    this.status = "idle";
    this.resumeToken = options.session ? options.session.token : null;
    // A reloaded page holds none of the conversation: any last_seq above 0 asks for
    // everything since this participant was let in (the server never replays more).
    this.lastSeq = options.session ? 1 : 0;
    this.carried = Boolean(options.session); // resuming a session from an earlier page
    this.joined = false; // a welcome or waiting has been received at least once
    this.rejoining = false; // a fresh hello after resume_failed
    this.attempt = 0;
    this.done = false;
    this.pending = new Map();
    this.outbox = []; // commands waiting for the rate limit
    this.sentAt = []; // when recent commands went out
    this.flushTimer = null;
    this.counter = 0;
    this.retryTimer = null;
    this.heartbeat = null;
    this.pongTimer = null;
    this.onOnline = () => this.reconnectNow();
    this.onOffline = () => this.dropForOffline();
    window.addEventListener("online", this.onOnline);
    window.addEventListener("offline", this.onOffline);
  }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  setStatus(status) {
    if (this.status === status) return;
    this.status = status;
    this.emit("status", { status });
  }

  url() {
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    return `${scheme}://${window.location.host}/ws/meetings/${encodeURIComponent(this.meetingId)}`;
  }

  connect() {
    if (this.done) return;
    window.clearTimeout(this.retryTimer);
    this.setStatus(this.joined ? "reconnecting" : "connecting");
    let ws;
    try {
      ws = new WebSocket(this.url());
    } catch {
      this.scheduleRetry();
      return;
    }
    this.ws = ws;
    ws.addEventListener("open", () => {
      if (this.ws !== ws) return;
      this.sendRaw(this.helloFrame());
    });
    ws.addEventListener("message", (message) => {
      if (this.ws !== ws) return;
      let frame;
      try {
        frame = JSON.parse(message.data);
      } catch {
        return;
      }
      if (frame && typeof frame === "object") this.handle(frame);
    });
    ws.addEventListener("close", () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.stopHeartbeat();
      this.failPending("disconnected");
      if (this.done) {
        this.setStatus("closed");
        return;
      }
      this.scheduleRetry();
    });
  }

  helloFrame() {
    if (this.resumeToken && (this.joined || this.carried) && !this.rejoining) {
      return { type: "hello", resume: { token: this.resumeToken, last_seq: this.lastSeq } };
    }
    const frame = { type: "hello" };
    for (const key of ["pseudonym", "invite", "facilitator_token", "device"]) {
      if (this.hello[key]) frame[key] = this.hello[key];
    }
    return frame;
  }

  sendRaw(frame) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  /** Sends a command; resolves with the ack (or reply), rejects with a CommandError. */
  command(type, fields = {}) {
    const id = `c${(this.counter += 1)}`;
    return new Promise((resolve, reject) => {
      if (this.status !== "in") {
        reject(new CommandError("offline"));
        return;
      }
      const timer = window.setTimeout(() => {
        this.pending.delete(id);
        reject(new CommandError("timeout"));
      }, COMMAND_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer, type });
      this.outbox.push({ type, id, ...fields });
      this.flush();
    });
  }

  /** How many more frames may go out now without crossing the server's rate limit. */
  allowance(now = Date.now()) {
    this.sentAt = this.sentAt.filter((at) => now - at < RATE_WINDOW_MS);
    return RATE_LIMIT - this.sentAt.length;
  }

  /** Sends queued commands as fast as the rate limit allows, in order. */
  flush() {
    window.clearTimeout(this.flushTimer);
    while (this.outbox.length) {
      const now = Date.now();
      if (this.allowance(now) <= 0) {
        const wait = RATE_WINDOW_MS - (now - this.sentAt[0]) + 20;
        this.flushTimer = window.setTimeout(() => this.flush(), wait);
        return;
      }
      if (!this.sendRaw(this.outbox.shift())) return;
      this.sentAt.push(now);
    }
  }

  settle(frame) {
    const entry = frame.id != null ? this.pending.get(frame.id) : undefined;
    if (!entry) return false;
    this.pending.delete(frame.id);
    window.clearTimeout(entry.timer);
    if (frame.type === "error") entry.reject(new CommandError(frame.code, frame.message));
    else entry.resolve(frame);
    return true;
  }

  failPending(code) {
    this.outbox = [];
    window.clearTimeout(this.flushTimer);
    for (const [id, entry] of this.pending) {
      window.clearTimeout(entry.timer);
      entry.reject(new CommandError(code));
      this.pending.delete(id);
    }
  }

  handle(frame) {
    switch (frame.type) {
      case "welcome":
      case "waiting":
        if (frame.resume_token) this.resumeToken = frame.resume_token;
        this.joined = true;
        this.carried = false;
        this.attempt = 0;
        if (frame.type === "welcome") {
          const fresh = this.rejoining;
          this.rejoining = false;
          if (fresh) this.emit("fresh", frame);
          this.setStatus("in");
          this.startHeartbeat();
          if (!frame.resumed) this.lastSeq = Math.max(frame.seq || 0, fresh ? 0 : this.lastSeq);
          this.remember(frame);
          this.emit("welcome", frame);
        } else {
          this.setStatus("waiting");
          this.startHeartbeat();
          this.remember(frame);
          this.emit("waiting", frame);
        }
        return;
      case "pong":
        window.clearTimeout(this.pongTimer);
        this.settle(frame);
        return;
      case "ack":
      case "stats":
        this.settle(frame);
        if (frame.type === "stats" && frame.id == null) this.emit("event", frame);
        return;
      case "error":
        this.handleError(frame);
        return;
      case "history_lost":
        // The server lost the room's log: resuming cannot work; join afresh.
        this.rejoining = true;
        this.resumeToken = null;
        return;
      default:
        if (typeof frame.seq === "number") {
          if (frame.seq <= this.lastSeq) return;
          this.lastSeq = frame.seq;
          if (!this.done) this.keep({ last_seq: this.lastSeq });
        }
        if (frame.type === "meeting_ended") this.finish();
        this.emit("event", frame);
    }
  }

  handleError(frame) {
    if (this.settle(frame)) return;
    const { code, message } = frame;
    if (code === "resume_failed" && this.carried) {
      // A reload came too late (or the room gave the seat away): the page asks again.
      this.finish();
      this.emit("resumefailed", { code, message });
      return;
    }
    if (code === "resume_failed") {
      // Too late to resume (or an unknown token): join again, on this same connection.
      this.rejoining = true;
      this.resumeToken = null;
      this.sendRaw(this.helloFrame());
      return;
    }
    if (FIXABLE.has(code) && (!this.joined || this.rejoining)) {
      if (this.rejoining && code === "pseudonym_taken") {
        // Our old name is still held by the participant we could not resume.
        delete this.hello.pseudonym;
        this.sendRaw(this.helloFrame());
        return;
      }
      this.finish();
      this.emit("joinerror", { code, message });
      return;
    }
    if (FATAL.has(code) && (code !== "not_allowed" || !this.joined)) {
      this.finish();
      this.emit("fatal", { code, message });
      return;
    }
    this.emit("notice", { code, message });
  }

  scheduleRetry() {
    if (this.done) return;
    if (!navigator.onLine) {
      this.setStatus("offline");
      return; // the "online" event reconnects
    }
    this.setStatus(this.joined ? "reconnecting" : "connecting");
    const base = Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.attempt);
    const delay = base / 2 + Math.random() * (base / 2);
    this.attempt += 1;
    window.clearTimeout(this.retryTimer);
    this.retryTimer = window.setTimeout(() => this.connect(), delay);
  }

  reconnectNow() {
    if (this.done || this.ws) return;
    this.attempt = 0;
    this.connect();
  }

  /** Browsers keep a socket "open" through a lost network for minutes: drop it now. */
  dropForOffline() {
    this.drop();
  }

  /** Gives up on the current socket without waiting for its closing handshake. */
  drop() {
    if (this.done || !this.ws) return;
    const ws = this.ws;
    this.ws = null;
    this.stopHeartbeat();
    this.failPending("disconnected");
    try {
      ws.close(4000, "dropped");
    } catch {
      // Already closing.
    }
    this.scheduleRetry();
  }

  startHeartbeat() {
    this.stopHeartbeat();
    this.heartbeat = window.setInterval(() => {
      if (this.allowance() <= 0 || !this.sendRaw({ type: "ping" })) return;
      this.sentAt.push(Date.now());
      window.clearTimeout(this.pongTimer);
      this.pongTimer = window.setTimeout(() => {
        // No pong: the connection is dead even if the browser has not noticed.
        this.drop();
      }, PONG_TIMEOUT_MS);
    }, HEARTBEAT_MS);
  }

  stopHeartbeat() {
    window.clearInterval(this.heartbeat);
    window.clearTimeout(this.pongTimer);
  }

  /** What a later page of this tab needs to come back as the same participant. */
  remember(frame) {
    if (this.done || !this.resumeToken) return;
    this.keep({ token: this.resumeToken, last_seq: this.lastSeq, pseudonym: frame.you?.pseudonym || "" });
  }

  /** Stops for good (after the end, a removal, or leaving): nothing to resume. */
  finish() {
    if (!this.done) this.forget();
    this.done = true;
    window.clearTimeout(this.retryTimer);
    this.stopHeartbeat();
    window.removeEventListener("online", this.onOnline);
    window.removeEventListener("offline", this.onOffline);
  }

  leave() {
    this.sendRaw({ type: "leave" });
    this.finish();
    if (this.ws) {
      const ws = this.ws;
      window.setTimeout(() => ws.close(1000, "left"), 300);
    }
    this.setStatus("closed");
  }

  /** Closes without leaving (used when a join form is sent again). */
  abandon() {
    this.finish();
    if (this.ws) this.ws.close(1000, "abandoned");
    this.ws = null;
  }
}
