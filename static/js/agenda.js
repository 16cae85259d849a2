// The meeting's format in the room: the part now current, its time left (the
// facilitator sees an overrun), the text a part pins for everyone to read, and
// for facilitators the one button that moves the room on. Nothing moves on by
// itself: the planned minutes are a guide, and the line only counts whole minutes.

import { $, h, show } from "./dom.js";
import { formatNumber, t, tIsolated } from "./i18n.js";

const MINUTE = 60000;
const TICK_MS = 15000;

export class AgendaLine {
  constructor(root, view) {
    this.view = view;
    this.agenda = null; // welcome.agenda: {format, segments, current}
    this.tick = null;
    this.el = {
      box: $("#agenda", root),
      part: $("#agenda-title", root),
      time: $("#agenda-time", root),
      next: $("#agenda-next", root),
      status: $("#agenda-status", root),
      reading: $("#agenda-reading", root),
      readingText: $("#agenda-reading-text", root),
      list: $("#agenda-list", root),
    };
    this.el.next.addEventListener("click", () => {
      const current = this.agenda?.current;
      this.view.run("next_segment", { current: current ? current.index : -1 });
    });
  }

  onWelcome(frame) {
    this.agenda = frame.agenda || null;
    this.drawn = null;
  }

  /** The organiser changed the format while the room was open. */
  onAgenda(agenda) {
    this.agenda = agenda || null;
    this.drawn = null;
  }

  onSegment(event, replay) {
    if (!this.agenda || replay) return;
    this.agenda.current = event.segment;
    this.drawn = null;
    this.el.status.textContent = t("agenda.now", { title: event.segment.title });
  }

  render() {
    const { el, agenda, view } = this;
    window.clearInterval(this.tick);
    show(el.box, Boolean(agenda));
    if (!agenda) return;
    const segments = agenda.segments || [];
    const current = agenda.current;
    el.part.replaceChildren(...(current
      ? tIsolated("agenda.part", { n: formatNumber(current.index + 1), total: formatNumber(segments.length), title: current.title }, "title")
      : tIsolated("agenda.not_started", { format: agenda.format || "" }, "format")));
    const reading = current && current.reading; // a reading part, or any part with text to read
    show(el.reading, Boolean(reading));
    if (el.readingText.textContent !== (reading || "")) el.readingText.textContent = reading || "";
    const facilitator = view.isFacilitator();
    const upcoming = segments[current ? current.index + 1 : 0];
    show(el.next, Boolean(facilitator && upcoming));
    if (upcoming) el.next.replaceChildren(...tIsolated(current ? "agenda.next" : "agenda.start", { title: upcoming.title }, "title"));
    const drawn = `${current ? current.index : -1}:${facilitator}:${document.documentElement.lang}`;
    if (this.drawn !== drawn) {
      this.drawn = drawn;
      el.list.replaceChildren(...segments.map((segment, index) => this.item(segment, index, current, facilitator)));
    }
    this.update();
    if (current) this.tick = window.setInterval(() => this.update(), TICK_MS);
  }

  item(segment, index, current, facilitator) {
    const here = current && current.index === index;
    return h(
      "li",
      { class: here ? "current" : "", "aria-current": here ? "step" : null },
      h("span", { dir: "auto", text: segment.title }),
      " ",
      h("span", { class: "note", text: t("agenda.minutes", { n: formatNumber(segment.minutes) }) }),
      facilitator && !here
        ? h("button", {
            type: "button",
            class: "small link-button",
            text: t("agenda.goto"),
            "aria-label": t("agenda.goto_name", { title: segment.title }),
            onclick: () => this.view.run("goto_segment", { index }),
          })
        : null,
    );
  }

  /** Whole minutes left of the current part; past its planned end, facilitators see by how much. */
  update() {
    const current = this.agenda?.current;
    const { time, box } = this.el;
    if (!current) {
      time.textContent = "";
      box.dataset.level = "normal";
      return;
    }
    const left = Date.parse(current.ends_at) - this.view.serverNow();
    const over = left < 0;
    box.dataset.level = over && this.view.isFacilitator() ? "over" : "normal";
    if (over) {
      const minutes = Math.max(1, Math.floor(-left / MINUTE));
      // Attendees are not told: a share running over is the facilitator's call.
      time.textContent = this.view.isFacilitator() ? t("agenda.over", { n: formatNumber(minutes) }) : "";
    } else {
      time.textContent = t("agenda.left", { n: formatNumber(Math.max(1, Math.ceil(left / MINUTE))) });
    }
  }

  stop() {
    window.clearInterval(this.tick);
  }
}
