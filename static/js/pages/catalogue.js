// /: the public catalogue. The server renders it whole (form, filter links, results,
// pages) for people without scripts; this module takes over the results list, so
// there is never a second copy, searches without reloading, and sets the viewer's own
// time zone, which the server cannot know, so days and times of day are theirs.

import { ApiError } from "../api.js";
import { $, h } from "../dom.js";
import { formatNumber, t } from "../i18n.js";
import { isInviteOnly, languageName, meetingItem, meetingsOf, shownThen } from "../listing.js";
import { initPage } from "../shell.js";
import { viewerZone } from "../time.js";

initPage();

const PER_PAGE = 50;
const FIELDS = ["q", "topic", "language", "day", "time", "tz"];
const form = $("#search");
const results = $("#results");
const status = $("#results-status");
let groups = [];
let total = 0;
let loaded = false;
let page = Number(new URLSearchParams(window.location.search).get("page")) || 1;

function chooseZone() {
  const select = form.elements.tz;
  const asked = new URLSearchParams(window.location.search).get("tz");
  const zone = asked || viewerZone();
  if (![...select.options].some((o) => o.value === zone)) select.append(h("option", { value: zone, text: zone }));
  select.value = zone;
}

function params(extra = {}) {
  const query = new URLSearchParams();
  for (const name of FIELDS) {
    const value = form.elements[name].value.trim();
    if (value && !(name === "tz" && value === "UTC")) query.set(name, value);
  }
  for (const name of ["now", "soon"]) if (form.elements[name].checked) query.set(name, "1");
  const lang = new URLSearchParams(window.location.search).get("lang");
  if (lang) query.set("lang", lang);
  for (const [name, value] of Object.entries(extra)) {
    if (value) query.set(name, value);
    else query.delete(name);
  }
  return query;
}

/** Server-rendered links keep working; they only learn the viewer's zone. */
function addZone(link) {
  const url = new URL(link.href, window.location.href);
  if (url.pathname !== "/" || url.searchParams.has("tz")) return;
  const zone = form.elements.tz.value;
  if (zone && zone !== "UTC") url.searchParams.set("tz", zone);
  link.href = url.pathname + url.search;
}

function groupCard(group) {
  const meetings = meetingsOf(group);
  const closed = isInviteOnly(group);
  const titleId = `group-${group.id}`;
  return h(
    "li",
    { class: "group card", "aria-labelledby": titleId, "data-group-id": group.id },
    h(
      "div",
      { class: "group-head" },
      h("h2", { id: titleId, dir: "auto" }, h("a", { href: group.page_url || `/groups/${encodeURIComponent(group.id)}`, text: group.name })),
      h("span", { class: closed ? "badge invite" : "badge open", text: closed ? t("group.invite_only") : t("group.open") }),
      group.language ? h("span", { class: "badge lang", text: languageName(group.language) }) : null,
    ),
    group.description ? h("p", { class: "prewrap", dir: "auto", text: group.description }) : null,
    (group.topics || []).length
      ? h(
          "ul",
          { class: "topics", "aria-label": t("catalogue.topics") },
          ...group.topics.map((topic) =>
            h(
              "li",
              {},
              h("a", {
                class: "topic",
                dir: "auto",
                href: `/?${params({ topic, page: "" })}`,
                text: topic,
                "aria-label": shownThen(topic, t("catalogue.topic_filter", { topic })),
                onclick: (event) => {
                  event.preventDefault();
                  form.elements.topic.value = topic;
                  page = 1;
                  search();
                },
              }),
            ),
          ),
        )
      : null,
    h("h3", { class: "small-heading", text: t("catalogue.next") }),
    meetings.length
      ? h("ul", { class: "meetings" }, ...meetings.map((m) => meetingItem(group, m, closed ? null : m.join_url)))
      : h("p", { class: "note", text: t("catalogue.no_meetings") }),
    meetings.length
      ? h("p", {
          class: "note places",
          text: group.places_left
            ? t("catalogue.places_left", { n: formatNumber(group.places_left), capacity: formatNumber(group.capacity) })
            : t("catalogue.full", { capacity: formatNumber(group.capacity) }),
        })
      : null,
    closed ? h("p", { class: "note invite-note", text: t("group.invite_note") }) : null,
    h(
      "p",
      { class: "group-links" },
      h("a", { href: group.calendar_url, text: t("catalogue.calendar"), "aria-label": shownThen(t("catalogue.calendar"), group.name) }),
    ),
  );
}

function pager() {
  const pages = Math.max(1, Math.ceil(total / PER_PAGE));
  const old = $("#pager");
  if (pages <= 1) {
    if (old) old.remove();
    return;
  }
  const link = (rel, n, key) => h("a", { rel, href: `/?${params({ page: String(n) })}`, text: t(key) });
  const nav = h(
    "nav",
    { id: "pager", class: "pager", "aria-label": t("catalogue.pages") },
    page > 1 ? link("prev", page - 1, "catalogue.prev_page") : null,
    h("span", { text: t("catalogue.page", { n: formatNumber(page), total: formatNumber(pages) }) }),
    page < pages ? link("next", page + 1, "catalogue.next_page") : null,
  );
  if (old) old.replaceWith(nav);
  else results.after(nav);
}

function render() {
  $("#zone-note").textContent = t("catalogue.zone", { zone: form.elements.tz.value || "UTC" });
  results.replaceChildren(...groups.map(groupCard));
  results.removeAttribute("data-server-rendered");
  if (!loaded) return;
  status.textContent =
    total === 0 ? t("catalogue.none") : t(total === 1 ? "catalogue.count_one" : "catalogue.count", { n: formatNumber(total) });
  pager();
}

async function search() {
  const query = params({ page: page > 1 ? String(page) : "" });
  window.history.replaceState(null, "", query.toString() ? `?${query}` : window.location.pathname);
  query.delete("lang");
  query.set("per_page", String(PER_PAGE));
  status.textContent = t("status.loading");
  try {
    const response = await fetch(`/api/catalogue?${query}`, { headers: { accept: "application/json" } });
    const data = await response.json().catch(() => null);
    if (!response.ok) throw new ApiError(response.status, data);
    groups = data;
    total = Number(response.headers.get("X-Total-Count")) || groups.length;
    loaded = true;
    const error = $("#filter-error");
    if (error) error.remove();
    render();
    for (const a of document.querySelectorAll("#filter-links a")) addZone(a);
  } catch (error) {
    status.textContent = t("catalogue.error", { message: error.message });
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  page = 1;
  search();
});

document.addEventListener("langchange", () => {
  if (loaded) render();
});

chooseZone();
search();
