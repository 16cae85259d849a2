// Who is here, grouped: facilitators (co-hosts among them), who is sharing, hands up
// (in queue order), everyone else. Facilitators get one menu per person (give floor,
// mute or unmute, make co-host or remove the role, remove) instead of a row of buttons; the raised hands list gets a
// "Give floor" on each hand.

import { confirmDialog, h, keepFocus } from "./dom.js";
import { formatNumber, ordinal, t } from "./i18n.js";
import { focusMenu, menu } from "./person-menu.js";

export class PeoplePanel {
  constructor(el, view) {
    this.el = el; // {participants, participantCount, queue, queueCount, queuePosition, tabHandsCount}
    this.view = view;
    this.openFor = null; // the participant whose menu is open
    // One Tab stop per list; Up and Down (Home, End) move between its buttons.
    this.peopleStop = roving(el.participants, ".menu-button");
    this.queueStop = roving(el.queue, ".give-floor");
  }

  render() {
    this.renderQueue();
    this.renderPeople();
  }

  badges(p) {
    const view = this.view;
    const position = view.queue.indexOf(p.id);
    return [
      p.id === view.you.id ? h("span", { class: "badge", text: t("participant.you") }) : null,
      p.role === "facilitator" ? h("span", { class: "badge role", text: t("role.facilitator") }) : null,
      view.floor && view.floor.participant_id === p.id
        ? h("span", { class: "badge share", text: t("participant.sharing") })
        : null,
      position >= 0
        ? h("span", { class: "badge hand", text: t("participant.hand", { n: formatNumber(position + 1) }) })
        : null,
      p.muted ? h("span", { class: "badge muted", text: t("participant.muted") }) : null,
    ];
  }

  renderQueue() {
    const { el, view } = this;
    const facilitator = view.isFacilitator();
    keepFocus(el.queue, () =>
      el.queue.replaceChildren(
        ...view.queue.map((id, i) => {
          const name = view.nameOf(id);
          return h(
            "li",
            { class: id === view.you.id ? "me" : null },
            h("span", { class: "pos", text: formatNumber(i + 1) }),
            h("span", { class: "name", dir: "auto", text: name }),
            facilitator
              ? h("button", {
                  type: "button",
                  class: "small give-floor",
                  text: t("queue.give"),
                  "aria-label": t("queue.give_name", { name }),
                  "data-focus-key": `${id}:give`,
                  onclick: () => view.run("grant", { participant_id: id }),
                })
              : null,
          );
        }),
      ),
    );
    this.queueStop.refresh();
    const count = formatNumber(view.queue.length);
    for (const badge of [el.queueCount, el.tabHandsCount]) {
      badge.textContent = count;
      badge.dataset.count = String(view.queue.length);
    }
    const position = view.queue.indexOf(view.you.id);
    if (position >= 0) el.queuePosition.textContent = t("queue.position", { nth: ordinal(position + 1) });
    else if (view.queue.length === 0) el.queuePosition.textContent = t("queue.empty");
    else el.queuePosition.textContent = t("queue.waiting", { n: count });
  }

  groups() {
    const view = this.view;
    const all = [...view.participants.values()];
    const holder = view.floor?.participant_id;
    const facilitators = all.filter((p) => p.role === "facilitator");
    const sharing = all.filter((p) => p.role !== "facilitator" && p.id === holder);
    const hands = view.queue
      .map((id) => view.participants.get(id))
      .filter((p) => p && p.role !== "facilitator" && p.id !== holder);
    const placed = new Set([...facilitators, ...sharing, ...hands].map((p) => p.id));
    const others = all.filter((p) => !placed.has(p.id));
    return [
      ["facilitators", facilitators],
      ["sharing", sharing],
      ["hands", hands],
      ["others", others],
    ].filter(([, people]) => people.length);
  }

  renderPeople() {
    const { el, view } = this;
    el.participantCount.textContent = formatNumber(view.participants.size);
    if (this.openFor && !view.participants.has(this.openFor)) this.openFor = null;
    keepFocus(el.participants, () =>
      el.participants.replaceChildren(
        ...this.groups().map(([key, people]) =>
          h(
            "section",
            { class: `people-group ${key}`, "aria-labelledby": `people-${key}` },
            h(
              "h3",
              { id: `people-${key}`, class: "group-title" },
              t(`people.${key}`),
              " ",
              h("span", { class: "count-badge", text: formatNumber(people.length) }),
            ),
            h("ul", { class: "plain-list" }, ...people.map((p) => this.item(p))),
          ),
        ),
      ),
    );
    this.peopleStop.refresh();
  }

  item(p) {
    const li = h(
      "li",
      { class: "participant", dataset: { participantId: p.id } },
      h("span", { class: "name", dir: "auto", text: p.pseudonym }),
      ...this.badges(p),
    );
    if (this.view.facilitator) li.append(this.personMenu(p));
    return li;
  }

  personMenu(p) {
    const view = this.view;
    const name = p.pseudonym;
    const items = [];
    const holding = view.floor && view.floor.participant_id === p.id;
    if (!p.muted && !holding) {
      items.push({
        key: "grant",
        text: t("participant.grant"),
        label: t("queue.give_name", { name }),
        run: () => view.run("grant", { participant_id: p.id }),
      });
    }
    if (p.id !== view.you.id && p.role !== "facilitator") {
      items.push({
        key: "mute",
        text: p.muted ? t("participant.unmute") : t("participant.mute"),
        label: t(p.muted ? "participant.unmute_name" : "participant.mute_name", { name }),
        run: () => view.run(p.muted ? "unmute" : "mute", { participant_id: p.id }),
      });
      items.push({
        key: "promote",
        text: t("participant.promote"),
        label: t("participant.promote_name", { name }),
        run: () => view.run("promote", { participant_id: p.id }),
      });
      items.push({
        key: "remove",
        text: t("participant.remove"),
        label: t("participant.remove_name", { name }),
        danger: true,
        run: () => removePerson(view, p),
      });
    }
    if (p.id !== view.you.id && p.role === "facilitator" && p.cohost) {
      items.push({
        key: "demote",
        text: t("participant.demote"),
        label: t("participant.demote_name", { name }),
        run: () => view.run("demote", { participant_id: p.id }),
      });
    }
    if (!items.length) return h("span", { class: "menu-wrap" });
    return menu({
      key: p.id,
      label: t("people.actions", { name }),
      items,
      isOpen: this.openFor === p.id,
      setOpen: (open, focus) => {
        this.openFor = open ? p.id : null;
        this.renderPeople();
        focusMenu(this.el.participants, p.id, focus);
      },
    });
  }
}

/** Removes an attendee after a confirmation (from the people menu or a report). */
export async function removePerson(view, p) {
  if (await confirmDialog(t("confirm.remove", { name: p.pseudonym }), t("participant.remove"))) {
    view.run("remove", { participant_id: p.id });
  }
}

/** Roving tabindex over the buttons matching `selector` in `container`. */
function roving(container, selector) {
  let current = null; // the data-focus-key holding the Tab stop
  const buttons = () => [...container.querySelectorAll(selector)];
  const refresh = () => {
    const all = buttons();
    if (!all.some((b) => b.dataset.focusKey === current)) current = all[0]?.dataset.focusKey ?? null;
    for (const b of all) b.tabIndex = b.dataset.focusKey === current ? 0 : -1;
  };
  container.addEventListener("focusin", (event) => {
    const button = event.target.closest?.(selector);
    if (button && container.contains(button)) {
      current = button.dataset.focusKey;
      refresh();
    }
  });
  container.addEventListener("keydown", (event) => {
    const all = buttons();
    const at = all.indexOf(document.activeElement);
    if (at < 0) return;
    const to = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: all.length - 1 }[event.key];
    if (to === undefined || to < 0 || to >= all.length) return;
    event.preventDefault();
    all[to].focus();
  });
  return { refresh };
}
