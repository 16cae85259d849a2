// This tab's place in a meeting, so a reload, a crashed tab or a phone that dropped
// the page comes back as the same participant within the grace period.
//
// Kept in sessionStorage only (one tab, gone when the tab closes), keyed by meeting
// id, never in localStorage and never in a URL: {token, last_seq, pseudonym, tab,
// reactions}. The token is the secret for hello.resume. `reactions` lists this
// person's own reactions ("message_id emoji"), which the room's events do not say.
//
// A duplicated tab copies sessionStorage: both tabs would then be one participant.
// Each tab has an id (in the same record) and answers for it on a BroadcastChannel;
// a page that finds its stored tab id answered by a live tab is the copy, and
// forgets the record instead of resuming.

const PREFIX = "hearth.session.";
const CHANNEL = "hearth.session";
const ASK_MS = 150;

const tabId = `${Date.now().toString(36)}.${Math.random().toString(36).slice(2, 10)}`;
let channel = null;
const owned = new Set(); // meeting ids this page holds a session for

function key(meetingId) {
  return PREFIX + meetingId;
}

function read(meetingId) {
  try {
    const raw = window.sessionStorage.getItem(key(meetingId));
    const value = raw ? JSON.parse(raw) : null;
    return value && typeof value.token === "string" && value.token ? value : null;
  } catch {
    return null; // storage disabled or a damaged record
  }
}

function write(meetingId, value) {
  try {
    window.sessionStorage.setItem(key(meetingId), JSON.stringify(value));
  } catch {
    // Storage disabled or full: a reload will join afresh.
  }
}

function listen() {
  if (channel || typeof BroadcastChannel !== "function") return;
  channel = new BroadcastChannel(CHANNEL);
  channel.addEventListener("message", (event) => {
    const data = event.data || {};
    if (data.type === "who" && data.tab === tabId && owned.has(data.meeting)) {
      channel.postMessage({ type: "mine", tab: tabId, meeting: data.meeting, nonce: data.nonce });
    }
  });
}

/** The stored session for this meeting if this tab may resume it, else null. */
export async function recall(meetingId) {
  const stored = read(meetingId);
  if (!stored) return null;
  listen();
  if (channel && stored.tab) {
    const nonce = Math.random().toString(36).slice(2);
    const taken = await new Promise((resolve) => {
      const timer = window.setTimeout(() => {
        channel.removeEventListener("message", onMessage);
        resolve(false);
      }, ASK_MS);
      function onMessage(event) {
        const data = event.data || {};
        if (data.type === "mine" && data.nonce === nonce) {
          window.clearTimeout(timer);
          channel.removeEventListener("message", onMessage);
          resolve(true);
        }
      }
      channel.addEventListener("message", onMessage);
      // Our own tab id, asked from this page: only another page holding it answers.
      channel.postMessage({ type: "who", tab: stored.tab, meeting: meetingId, nonce });
    });
    if (taken) {
      forget(meetingId);
      return null;
    }
  }
  return stored;
}

/** Remembers (or updates) this tab's session: any of token, last_seq, pseudonym. */
export function keep(meetingId, fields) {
  listen();
  owned.add(meetingId);
  const current = read(meetingId) || { reactions: [] };
  write(meetingId, { ...current, ...fields, tab: tabId });
}

/** Forgets it: leaving on purpose, a removal, the end, or a resume that failed. */
export function forget(meetingId) {
  owned.delete(meetingId);
  try {
    window.sessionStorage.removeItem(key(meetingId));
  } catch {
    // Nothing stored.
  }
}

/** This person's own reactions in this meeting, as "message_id emoji" strings. */
export function ownReactions(meetingId) {
  const stored = read(meetingId);
  return new Set(Array.isArray(stored?.reactions) ? stored.reactions : []);
}

export function keepReactions(meetingId, reactions) {
  if (read(meetingId)) keep(meetingId, { reactions: [...reactions] });
}
