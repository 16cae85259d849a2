// Times in the viewer's own time zone and language.

import { locale } from "./i18n.js";

export function viewerZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

const WHEN = { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" };

/** "Tue 3 Dec, 19:00" in the viewer's zone. */
export function formatWhen(iso) {
  return new Intl.DateTimeFormat(locale(), WHEN).format(new Date(iso));
}

/** "Tue 3 Dec, 19:00 – 20:30 GMT" in the viewer's zone. */
export function formatRange(startIso, endIso) {
  const format = new Intl.DateTimeFormat(locale(), { ...WHEN, timeZoneName: "short" });
  const start = new Date(startIso);
  if (!endIso) return format.format(start);
  return format.formatRange(start, new Date(endIso));
}

export function formatTime(iso) {
  return new Intl.DateTimeFormat(locale(), { hour: "2-digit", minute: "2-digit" }).format(new Date(iso));
}

/** "in 3 hours", "in 2 days" (or "now" within a minute). */
export function relative(iso, now = Date.now()) {
  const diff = new Date(iso).getTime() - now;
  const rtf = new Intl.RelativeTimeFormat(locale(), { numeric: "auto" });
  const minutes = Math.round(diff / 60000);
  if (Math.abs(minutes) < 60) return rtf.format(minutes, "minute");
  const hours = Math.round(minutes / 60);
  if (Math.abs(hours) < 48) return rtf.format(hours, "hour");
  return rtf.format(Math.round(hours / 24), "day");
}

/** 125000 -> "2:05" (digits in the current language). */
export function formatCountdown(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  const nf = new Intl.NumberFormat(locale(), { minimumIntegerDigits: 2 });
  const nm = new Intl.NumberFormat(locale());
  return `${nm.format(minutes)}:${nf.format(seconds)}`;
}
