// Anonymous polls and check-ins: the card everyone answers on (above the
// conversation), its results, and for facilitators the "Start a poll" dialog and
// "Close poll". A vote sends no event to anyone: the card marks your own choice
// from the ack, and `welcome.poll.your_vote` brings it back after a reload.
// Nobody's choice but your own is ever known to the page.

import { $, announce, h, show } from "./dom.js";
import { formatNumber, t } from "./i18n.js";

const MAX_OPTIONS = 6;
const MIN_OPTIONS = 2;

export class Polls {
  constructor(root, view) {
    this.view = view;
    this.card = $("#poll-card", root);
    this.status = $("#poll-status", root);
    this.poll = null; // the open poll, with `your_vote`
    this.results = null; // the last results shown, until dismissed or a new poll
    this.closed = null; // a poll closed whose results went to the facilitators only
    this.snapshotSeq = 0;
    this.starter = null;
    document.addEventListener("langchange", () => this.render());
  }

  /** Facilitators get the dialog and the close button. */
  enableStarting() {
    if (!this.starter) this.starter = new PollStarter(this.view, () => this.poll);
    this.render();
  }

  onWelcome(frame) {
    this.snapshotSeq = frame.seq || 0;
    this.poll = frame.poll ? { ...frame.poll } : null;
    if (this.poll) this.results = this.closed = null;
    this.render();
  }

  onEvent(event) {
    const replay = typeof event.seq === "number" && event.seq <= this.snapshotSeq;
    if (event.type === "role_changed" && event.participant_id === this.view.you?.id) {
      // Made a co-host, or no longer one: room-events.js has set view.you.role already.
      if (this.view.isFacilitator()) this.enableStarting();
      else this.render();
    } else if (event.type === "poll" && !replay) {
      this.poll = { ...event, your_vote: null };
      this.results = this.closed = null;
      this.render();
      announce(this.status, t("poll.announce_started", { question: questionOf(event) }));
    } else if (event.type === "poll_closed") {
      if (!this.poll || this.poll.poll_id !== event.poll_id) return;
      this.closed = this.poll;
      this.poll = null;
      this.render();
      announce(this.status, t("poll.announce_closed", { question: questionOf(this.closed) }));
    } else if (event.type === "poll_results") {
      if (this.poll && this.poll.poll_id !== event.poll_id && replay) return;
      if (this.poll && this.poll.poll_id === event.poll_id) this.poll = null;
      this.closed = null;
      this.results = { ...event };
      this.render();
      announce(this.status, t("poll.announce_results", { question: questionOf(event) }));
    }
  }

  async vote(index) {
    const poll = this.poll;
    if (!poll) return;
    if (await this.view.run("vote", { poll_id: poll.poll_id, option: index })) {
      if (this.poll === poll) {
        poll.your_vote = index;
        this.render(index);
      }
    }
  }

  /** Rebuilds the card; `focusIndex` keeps the keyboard on the option just chosen. */
  render(focusIndex) {
    const card = this.card;
    if (this.poll) card.replaceChildren(this.openCard(this.poll));
    else if (this.results) card.replaceChildren(this.resultsCard(this.results));
    else if (this.closed) card.replaceChildren(this.closedCard(this.closed));
    else card.replaceChildren();
    show(card, Boolean(this.poll || this.results || this.closed));
    if (typeof focusIndex === "number") {
      const button = card.querySelector(`button[data-option="${focusIndex}"]`);
      if (button) button.focus();
    }
    if (this.starter) this.starter.render(this.poll);
  }

  openCard(poll) {
    const legendId = `poll-legend-${poll.poll_id}`;
    const chosen = poll.your_vote;
    const options = poll.options.map((option, index) =>
      h("button", {
        type: "button",
        class: "poll-choice secondary",
        "aria-pressed": String(chosen === index),
        dataset: { option: String(index) },
        dir: "auto",
        text: optionLabel(poll, index),
        onclick: () => this.vote(index),
      }),
    );
    return h(
      "fieldset",
      { class: "poll-open", "aria-labelledby": legendId },
      h("legend", { id: legendId, class: "poll-question", dir: "auto", text: questionOf(poll) }),
      h("div", { class: "poll-choices" }, ...options),
      h("p", { class: "poll-note note", text: t("poll.anonymous") }),
      chosen === null || chosen === undefined
        ? null
        : h("p", { class: "poll-yours", text: t("poll.your_answer", { option: optionLabel(poll, chosen) }) }),
      this.starter && this.view.isFacilitator()
        ? h("button", {
            type: "button",
            class: "small danger poll-close",
            text: t("poll.close"),
            onclick: () => this.view.run("poll_close", { poll_id: poll.poll_id }),
          })
        : null,
    );
  }

  closedCard(poll) {
    return h(
      "section",
      { class: "poll-results", "aria-label": t("poll.closed_title") },
      h("p", { class: "poll-results-head" }, h("strong", { text: t("poll.closed_title") }), " ", h("span", { dir: "auto", text: questionOf(poll) })),
      h("p", { class: "note", text: t("poll.closed_text") }),
      this.hideButton(),
    );
  }

  hideButton() {
    return h("button", {
      type: "button",
      class: "small link-button",
      text: t("poll.dismiss"),
      onclick: () => {
        this.results = this.closed = null;
        this.render();
      },
    });
  }

  resultsCard(results) {
    const total = results.total || 0;
    const rows = results.options.map((option, index) => {
      const count = results.counts[index] || 0;
      const bar = h("span", { class: "poll-bar-fill" });
      bar.style.inlineSize = `${total ? Math.round((count / total) * 100) : 0}%`;
      const label = optionLabel(results, index);
      return h(
        "li",
        { class: "poll-result" },
        h("span", { class: "visually-hidden", text: t("poll.chose", { n: formatNumber(count), total: formatNumber(total), option: label }) }),
        h("span", { class: "poll-result-label", dir: "auto", "aria-hidden": "true", text: label }),
        h("span", { class: "poll-result-count", "aria-hidden": "true", text: formatNumber(count) }),
        h("span", { class: "poll-bar", "aria-hidden": "true" }, bar),
      );
    });
    return h(
      "section",
      { class: "poll-results", "aria-label": t("poll.results_title") },
      h("p", { class: "poll-results-head" }, h("strong", { text: t("poll.results_title") }), " ", h("span", { dir: "auto", text: questionOf(results) })),
      h("ul", { class: "poll-result-list" }, ...rows),
      h("p", { class: "note", text: t(total === 1 ? "poll.total_one" : "poll.total", { n: formatNumber(total) }) }),
      results.results === "facilitators" ? h("p", { class: "note", text: t("poll.facilitators_only") }) : null,
      this.hideButton(),
    );
  }
}

/** The question as people read it: the scale's own, in their language, when it has none. */
function questionOf(poll) {
  if (poll.question) return poll.question;
  return poll.scale === "arriving" ? t("poll.arriving_question") : "";
}

function optionLabel(poll, index) {
  const option = poll.options[index];
  if (poll.scale === "arriving") return `${formatNumber(index + 1)} · ${t(`poll.arriving_${index + 1}`)}`;
  return option;
}

/** The facilitator's dialog: a question with 2 to 6 options, or the 1-5 check-in. */
class PollStarter {
  /** `openPoll()` is the poll open now, if any. */
  constructor(view, openPoll) {
    this.view = view;
    this.openPoll = openPoll;
    const dialog = $("#poll-dialog");
    this.el = {
      open: $("#poll-open"),
      dialog,
      form: $("#poll-form", dialog),
      question: $("#poll-question", dialog),
      options: $("#poll-options", dialog),
      add: $("#poll-add-option", dialog),
      arriving: $("#poll-arriving", dialog),
      cancel: $("#poll-cancel", dialog),
      error: $("#poll-form-error", dialog),
    };
    this.bind();
  }

  bind() {
    const { el } = this;
    el.open.addEventListener("click", () => {
      const poll = this.openPoll();
      if (poll) {
        this.view.run("poll_close", { poll_id: poll.poll_id });
        return;
      }
      this.reset();
      el.dialog.showModal();
      el.question.focus();
    });
    el.cancel.addEventListener("click", () => el.dialog.close());
    el.add.addEventListener("click", () => {
      this.addOption("");
      el.options.querySelector("li:last-child input")?.focus();
    });
    el.arriving.addEventListener("click", () => this.start({ scale: "arriving", results: this.resultsChoice() }));
    el.form.addEventListener("submit", (event) => {
      event.preventDefault();
      const question = el.question.value.trim();
      const options = [...el.options.querySelectorAll("input")].map((input) => input.value.trim()).filter(Boolean);
      if (!question) return this.problem("poll.error_question", el.question);
      if (options.length < MIN_OPTIONS) return this.problem("poll.error_options", el.options.querySelector("input"));
      if (new Set(options.map((o) => o.toLocaleLowerCase())).size < options.length) {
        return this.problem("poll.error_same", el.options.querySelector("input"));
      }
      return this.start({ question, options, results: this.resultsChoice() });
    });
    document.addEventListener("langchange", () => this.renumber());
  }

  resultsChoice() {
    return this.el.form.elements.results.value || "everyone";
  }

  reset() {
    const { el } = this;
    el.form.reset();
    el.options.replaceChildren();
    for (let i = 0; i < MIN_OPTIONS; i += 1) this.addOption("");
    show(el.error, false);
  }

  addOption(value) {
    const { el } = this;
    if (el.options.children.length >= MAX_OPTIONS) return;
    const input = h("input", { type: "text", maxlength: "80", dir: "auto", autocomplete: "off" });
    input.value = value;
    const remove = h("button", { type: "button", class: "small link-button poll-remove" });
    const item = h("li", { class: "poll-option-input" }, input, remove);
    remove.addEventListener("click", () => {
      if (el.options.children.length <= MIN_OPTIONS) return;
      item.remove();
      this.renumber();
      el.options.querySelector("input")?.focus();
    });
    el.options.append(item);
    this.renumber();
  }

  /** Each field and its remove button say which option they are ("Option 2"). */
  renumber() {
    const { el } = this;
    const items = [...el.options.children];
    items.forEach((item, index) => {
      const n = formatNumber(index + 1);
      item.querySelector("input").setAttribute("aria-label", t("poll.option_label", { n }));
      const remove = item.querySelector("button");
      remove.textContent = t("poll.remove_option");
      remove.setAttribute("aria-label", t("poll.remove_option_n", { n }));
      remove.hidden = items.length <= MIN_OPTIONS;
    });
    el.add.hidden = items.length >= MAX_OPTIONS;
  }

  problem(key, field) {
    this.el.error.textContent = t(key);
    show(this.el.error, true);
    if (field) field.focus();
  }

  async start(fields) {
    if (await this.view.run("poll_start", fields)) {
      this.el.dialog.close();
      // The poll's own event came before the ack: its card is there to move to.
      (document.querySelector("#poll-card button") || this.el.open).focus();
    } else {
      this.problem("poll.error_refused");
    }
  }

  /** One poll at a time: while one is open, the panel's button closes it. */
  render(poll) {
    const button = this.el.open;
    button.dataset.i18n = poll ? "poll.close" : "poll.start";
    button.textContent = t(button.dataset.i18n);
    if (poll) button.removeAttribute("aria-haspopup");
    else button.setAttribute("aria-haspopup", "dialog");
  }
}
