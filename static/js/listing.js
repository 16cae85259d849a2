// A group's upcoming meetings as the catalogue and the group page show them.

import { h } from "./dom.js";
import { getLang, t } from "./i18n.js";
import { formatRange, relative } from "./time.js";

export function meetingsOf(group) {
  return group.next_meetings || [];
}

export function isInviteOnly(group) {
  return group.invite_only ?? group.visibility === "closed";
}

export function languageName(code) {
  try {
    return new Intl.DisplayNames([getLang()], { type: "language" }).of(code) || code;
  } catch {
    return code;
  }
}

/**
 * An accessible name that starts with the words shown (WCAG 2.5.3, "label in name":
 * someone using voice control says what they see), then what the words leave out.
 */
export function shownThen(shown, detail) {
  return `${shown}: ${detail}`;
}

/**
 * One upcoming meeting: when (in the viewer's zone), its own title when it has one,
 * a join link to `href` (none when `href` is null; `note` is shown instead), and an
 * "Add to calendar" link to the meeting's .ics.
 */
export function meetingItem(group, meeting, href, note = null) {
  const openNow = meeting.status === "open";
  const title = meeting.title || group.name;
  return h(
    "li",
    { class: "meeting-item" },
    h(
      "div",
      { class: "meeting-when" },
      h("time", { datetime: meeting.starts_at, text: formatRange(meeting.starts_at, meeting.ends_at) }),
      h("span", { class: "note", text: openNow ? t("status.open") : relative(meeting.starts_at) }),
    ),
    meeting.title && meeting.title !== group.name
      ? h("span", { class: "meeting-title", dir: "auto", text: meeting.title })
      : null,
    href
      ? h("a", {
          class: openNow ? "button primary small" : "button secondary small",
          href,
          text: openNow ? t("catalogue.join_now") : t("catalogue.join"),
          "aria-label": shownThen(
            openNow ? t("catalogue.join_now") : t("catalogue.join"),
            `${title}, ${formatRange(meeting.starts_at)}`,
          ),
        })
      : note && h("span", { class: "note", text: note }),
    calendarLink(meeting, title),
  );
}

/** The meeting's own .ics (with a reminder) to add to the viewer's calendar. */
function calendarLink(meeting, title) {
  const shown = t("listing.add_to_calendar");
  return h("a", {
    class: "meeting-calendar",
    href: `/meetings/${encodeURIComponent(meeting.id)}/calendar.ics`,
    download: true,
    text: shown,
    "aria-label": shownThen(
      shown,
      t("listing.add_to_calendar_detail", { title, when: formatRange(meeting.starts_at) }),
    ),
  });
}
