// The numbers card: what each of the selected group's ended meetings left behind, newest
// first (GET /api/groups/{id}/stats). Counts only: the server keeps no names, no words
// and no poll choices, so there is nothing else to show. Organisers only, as the API.

import { api } from "../../api.js";
import { $, h } from "../../dom.js";
import { formatNumber, t } from "../../i18n.js";
import { formatWhen } from "../../time.js";
import { canChange, groupPath, state } from "./state.js";

let figures = null; // {meetings, totals}, or "failed"

export async function load() {
  figures = null;
  if (!canChange() || !state.current) return render();
  const mine = state.selection;
  let answer;
  try {
    answer = await api(groupPath("/stats"));
  } catch {
    answer = "failed";
  }
  if (mine !== state.selection) return;
  figures = answer;
  render();
}

export function render() {
  const box = $("#stats-scroll");
  const totals = $("#stats-totals");
  totals.textContent = "";
  if (figures === null) return box.replaceChildren();
  if (figures === "failed") return box.replaceChildren(h("p", { class: "note", text: t("console.load_failed") }));
  if (figures.meetings.length === 0) return box.replaceChildren(h("p", { class: "note", text: t("numbers.none") }));
  const sum = figures.totals;
  totals.textContent = t("numbers.totals", {
    meetings: formatNumber(sum.meetings),
    attended: formatNumber(sum.attended),
    shares: formatNumber(sum.shares),
    polls: formatNumber(sum.polls),
    peak: formatNumber(sum.peak_present),
  });
  const most = Math.max(1, ...figures.meetings.map((m) => m.attended));
  const heads = ["date", "meeting", "peak", "attended", "shares", "polls", "parts"];
  box.replaceChildren(
    h(
      "table",
      { class: "stats-table numbers-table" },
      h("caption", { class: "visually-hidden", text: t("numbers.caption") }),
      h("thead", {}, h("tr", {}, heads.map((key) => h("th", { scope: "col", text: t(`numbers.${key}`) })))),
      h("tbody", {}, figures.meetings.map((m) => row(m, most))),
    ),
  );
}

function row(m, most) {
  return h(
    "tr",
    {},
    h("th", { scope: "row", text: formatWhen(m.starts_at) }),
    h("td", {}, h("span", { dir: "auto", text: m.title }), m.final === false ? h("span", { class: "note", text: ` ${t("numbers.so_far")}` }) : null),
    h("td", { text: formatNumber(m.peak_present) }),
    h("td", {}, attended(m, most)),
    h("td", { text: formatNumber(m.shares) }),
    h("td", { text: formatNumber(m.polls) }),
    h("td", {}, parts(m)),
  );
}

/** The number, then a bar as long as the busiest meeting's share: the bar is only a
 * picture of the number beside it, so screen readers skip it. */
function attended(m, most) {
  const bar = h("span", { class: "numbers-bar", "aria-hidden": "true" });
  bar.style.inlineSize = `${Math.round((m.attended / most) * 100)}%`;
  const lobby = m.let_in ? h("span", { class: "hint", text: ` ${t("numbers.let_in", { n: formatNumber(m.let_in) })}` }) : null;
  return [h("span", {}, formatNumber(m.attended), lobby), h("span", { class: "numbers-track" }, bar)];
}

function parts(m) {
  if (!m.segments.length) return h("span", { class: "hint", text: t("numbers.no_format") });
  return h(
    "ul",
    { class: "plain-list numbers-parts" },
    m.segments.map((s) =>
      h("li", { dir: "auto", text: t("numbers.part_minutes", { title: s.title, n: formatNumber(s.minutes) }) }),
    ),
  );
}

export function wire() {}
