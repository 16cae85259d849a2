// What lets a removal stick without linking anyone (docs/protocol.md, hello.device).
//
// One random secret per Hearth site, in localStorage ("hearth.device", 32 bytes,
// base64url): it never leaves the browser. What hello sends is
// HMAC-SHA-256(key = that secret, message = the group id), in base64url, so every
// group sees another value and not even the server can tell one browser in two
// groups. Clearing the site's storage makes a new secret: a keep-out holds against a
// browser that keeps its storage, not against a person, and the wording says so.

const KEY = "hearth.device";

function base64url(bytes) {
  let text = "";
  for (const byte of new Uint8Array(bytes)) text += String.fromCharCode(byte);
  return window.btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64url(text) {
  const raw = window.atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

function secret() {
  try {
    const stored = window.localStorage.getItem(KEY);
    if (stored && /^[A-Za-z0-9_-]{43}$/.test(stored)) return fromBase64url(stored);
    const fresh = window.crypto.getRandomValues(new Uint8Array(32));
    window.localStorage.setItem(KEY, base64url(fresh));
    return fresh;
  } catch {
    return null; // storage disabled: no device value, nothing kept
  }
}

/** This browser's device value for one group, or null (no storage, no WebCrypto). */
export async function deviceFor(groupId) {
  if (!groupId || !window.crypto?.subtle) return null;
  const key = secret();
  if (!key) return null;
  try {
    const hmac = await window.crypto.subtle.importKey(
      "raw",
      key,
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    const signature = await window.crypto.subtle.sign("HMAC", hmac, new TextEncoder().encode(groupId));
    return base64url(signature);
  } catch {
    return null;
  }
}
