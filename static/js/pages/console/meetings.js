// The meetings panel: upcoming meetings of the selected group, and scheduling more.

import { api, clearErrors, fieldError, showErrors } from "../../api.js";
import { $, confirmDialog, h, show } from "../../dom.js";
import { formatNumber, locale, ordinal, t } from "../../i18n.js";
import { formatRange, formatWhen } from "../../time.js";
import { fillSelect } from "./format-select.js";
import { listPanel } from "./lists.js";
import { canChange, enc, groupPath, say, state } from "./state.js";
import { setZone } from "./zones.js";

const meetingForm = $("#meeting-form");

/** Meetings still to come or under way; ended ones stay off the list. */
const upcoming = (meetings) => {
  const now = Date.now();
  return meetings.filter((m) => !m.ends_at || Date.parse(m.ends_at) > now);
};

export const { load, render } = listPanel(
  "/meetings",
  "#meeting-list",
  "console.no_meetings",
  (m) => {
    const zone = m.timezone || state.current.timezone;
    const local = new Intl.DateTimeFormat(locale(), {
      timeZone: zone,
      weekday: "short",
      day: "numeric",
      month: "short",
      hour: "2-digit",
      minute: "2-digit",
    }).format(new Date(m.starts_at));
    return h(
      "li",
      { class: "row" },
      h(
        "div",
        {},
        h("p", {}, h("strong", { dir: "auto", text: m.title || state.current.name })),
        h("p", { class: "note" }, h("time", { datetime: m.starts_at, text: `${local} (${zone})` })),
        h("p", { class: "note", text: t("console.your_time", { when: formatRange(m.starts_at, m.ends_at) }) }),
      ),
      h(
        "div",
        { class: "button-row" },
        canChange() && formatChoice(m),
        h("a", { class: "button small secondary", href: `/m/${enc(m.id)}`, text: t("console.open_room") }),
        canChange() && h("button", {
          type: "button",
          class: "small secondary",
          text: t("console.delete"),
          "aria-label": `${t("console.delete")}: ${formatWhen(m.starts_at)}`,
          onclick: async () => {
            if (await confirmDialog(t("confirm.meeting", { when: formatWhen(m.starts_at) }), t("console.delete"))) {
              try {
                await api(`/api/meetings/${enc(m.id)}`, { method: "DELETE" });
                say(t("console.meeting_deleted"));
              } catch (error) {
                say(error.message);
              }
              await load();
            }
          },
        }),
      ),
    );
  },
  upcoming,
);

/** This meeting's format: its own pick, or (empty) the group's default. */
function formatChoice(m) {
  const id = `m-format-${m.id}`;
  const select = h("select", {
    id,
    "aria-label": `${t("meeting.format")}: ${formatWhen(m.starts_at)}`,
    onchange: async () => {
      try {
        await api(`/api/meetings/${enc(m.id)}`, { method: "PATCH", body: { format_id: select.value || null } });
        m.format_id = select.value || null;
        say(t("console.meeting_format_saved", { when: formatWhen(m.starts_at) }));
      } catch (error) {
        say(error.message);
        select.value = m.format_id || "";
      }
    },
  });
  fillSelect(select, "meeting.group_default", m.format_id || "");
  return h("span", { class: "field compact" }, h("label", { for: id, text: t("meeting.format") }), select);
}

const WEEKDAYS = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"];

/** The `repeat` of POST /api/groups/{id}/meetings for the form's choice: a monthly one
 * takes its weekday, and which of the month's, from the first meeting's date. */
function repeatRule(choice, startsAt, count) {
  const day = new Date(`${startsAt.slice(0, 10)}T12:00:00Z`);
  const weekday = WEEKDAYS[day.getUTCDay()];
  const nth = Math.ceil(day.getUTCDate() / 7); // a 5th weekday is its month's last
  const rule = {
    weekly: { weekly: { interval: 1, count } },
    fortnightly: { weekly: { interval: 2, count } },
    monthly: { monthly: { weekday, nth: nth > 4 ? -1 : nth, count } },
    monthly_last: { monthly: { weekday, nth: -1, count } },
  }[choice];
  $("#m-count").dataset.field = `repeat.${Object.keys(rule)[0]}.count`;
  return rule;
}

/** Says which weekday of the month a monthly choice means, for the date chosen. */
function repeatNote(el) {
  const choice = el.repeat.value;
  if (!el.starts_at.value || !choice.startsWith("monthly")) return "";
  const day = new Date(`${el.starts_at.value.slice(0, 10)}T12:00:00Z`);
  const weekday = new Intl.DateTimeFormat(locale(), { weekday: "long", timeZone: "UTC" }).format(day);
  const nth = Math.ceil(day.getUTCDate() / 7);
  if (choice === "monthly_last" || nth > 4) return t("meeting.monthly_last_note", { weekday });
  return t("meeting.monthly_nth_note", { weekday, n: ordinal(nth) });
}

export function wire() {
  const explain = () => {
    show($("#m-count-field"), Boolean(meetingForm.elements.repeat.value));
    $("#m-repeat-note").textContent = repeatNote(meetingForm.elements);
  };
  meetingForm.elements.repeat.addEventListener("change", explain);
  meetingForm.elements.starts_at.addEventListener("input", explain);
  document.addEventListener("langchange", explain);

  fillSelect($("#m-format"), "meeting.group_default", "");
  meetingForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(meetingForm);
    const el = meetingForm.elements;
    if (!el.starts_at.value) {
      fieldError(meetingForm, el.starts_at, t("form.required"));
      el.starts_at.focus();
      return;
    }
    const body = {
      starts_at: el.starts_at.value.slice(0, 16),
      timezone: el.timezone.value,
      duration_minutes: Number(el.duration_minutes.value),
    };
    if (el.title.value.trim()) body.title = el.title.value.trim();
    if (el.format_id.value) body.format_id = el.format_id.value;
    if (el.repeat.value) body.repeat = repeatRule(el.repeat.value, el.starts_at.value, Number(el.count.value));
    try {
      const created = await api(groupPath("/meetings"), { method: "POST", body });
      const n = Array.isArray(created) ? created.length : 1;
      say(t(n === 1 ? "console.scheduled_one" : "console.scheduled", { n: formatNumber(n) }));
      meetingForm.reset();
      explain();
      setZone(el.timezone, state.current.timezone);
      await load();
    } catch (error) {
      showErrors(meetingForm, error);
    }
  });
}
