// /: the public catalogue, searched by words, topic and language.

import { api } from "../api.js";
import { $, h } from "../dom.js";
import { formatNumber, t } from "../i18n.js";
import { isInviteOnly, languageName, meetingItem, meetingsOf, shownThen } from "../listing.js";
import { initPage } from "../shell.js";
import { viewerZone } from "../time.js";

initPage();

const form = $("#search");
const results = $("#results");
const status = $("#results-status");
let groups = [];
let loaded = false;

function fillLanguages(codes) {
  const select = form.elements.language;
  const chosen = select.value;
  const all = [...new Set(["en", "ar", ...codes, chosen].filter(Boolean))];
  select.replaceChildren(
    h("option", { value: "", text: t("catalogue.any_language") }),
    ...all.map((code) => h("option", { value: code, text: languageName(code) })),
  );
  select.value = chosen;
}

function fillTopics(topics) {
  const all = [...new Set(topics)].sort((a, b) => a.localeCompare(b));
  $("#topics").replaceChildren(...all.map((topic) => h("option", { value: topic })));
}

function groupCard(group) {
  const meetings = meetingsOf(group);
  const closed = isInviteOnly(group);
  const titleId = `group-${group.id}`;
  return h(
    "li",
    { class: "group card", "aria-labelledby": titleId },
    h(
      "div",
      { class: "group-head" },
      h("h2", { id: titleId, dir: "auto", text: group.name }),
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
              h("button", {
                type: "button",
                class: "topic",
                dir: "auto",
                text: topic,
                "aria-label": t("catalogue.topic_filter", { topic }),
                onclick: () => {
                  form.elements.topic.value = topic;
                  search();
                },
              }),
            ),
          ),
        )
      : null,
    h("h3", { class: "small-heading", text: t("catalogue.next") }),
    meetings.length
      ? h(
          "ul",
          { class: "meetings" },
          ...meetings.map((m) => meetingItem(group, m, closed ? null : m.join_url || `/m/${encodeURIComponent(m.id)}`)),
        )
      : h("p", { class: "note", text: t("catalogue.no_meetings") }),
    closed ? h("p", { class: "note invite-note", text: t("group.invite_note") }) : null,
    h(
      "p",
      { class: "group-links" },
      h("a", {
        href: group.calendar_url || `/groups/${encodeURIComponent(group.id)}/calendar.ics`,
        text: t("catalogue.calendar"),
        "aria-label": shownThen(t("catalogue.calendar"), group.name),
      }),
    ),
  );
}

function render() {
  $("#zone-note").textContent = t("catalogue.zone", { zone: viewerZone() });
  results.replaceChildren(...groups.map(groupCard));
  if (!loaded) return;
  status.textContent =
    groups.length === 0
      ? t("catalogue.none")
      : t(groups.length === 1 ? "catalogue.count_one" : "catalogue.count", { n: formatNumber(groups.length) });
}

function params() {
  const query = new URLSearchParams();
  for (const name of ["q", "topic", "language"]) {
    const value = form.elements[name].value.trim();
    if (value) query.set(name, value);
  }
  return query;
}

async function search() {
  const query = params();
  const url = query.toString() ? `?${query}` : window.location.pathname;
  window.history.replaceState(null, "", url);
  status.textContent = t("status.loading");
  try {
    groups = await api(`/api/catalogue?${query}`);
    loaded = true;
    fillLanguages(groups.map((g) => g.language).filter(Boolean));
    fillTopics(groups.flatMap((g) => g.topics || []));
    render();
  } catch (error) {
    status.textContent = t("catalogue.error", { message: error.message });
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  search();
});

const initial = new URLSearchParams(window.location.search);
for (const name of ["q", "topic"]) form.elements[name].value = initial.get(name) || "";
fillLanguages(initial.get("language") ? [initial.get("language")] : []);
form.elements.language.value = initial.get("language") || "";

document.addEventListener("langchange", () => {
  fillLanguages(groups.map((g) => g.language).filter(Boolean));
  render();
});

search();
