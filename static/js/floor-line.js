// The one line of floor state: who has the floor, the time left, the round's next
// name; for facilitators "+1 min", "+2 min" and "Take back". Before the end the
// line changes colour and a polite status says so once per threshold, not every
// second (a minute and 30 s before the end of a share of two minutes or more).

import { $, show } from "./dom.js";
import { formatNumber, t } from "./i18n.js";
import { formatCountdown } from "./time.js";

const MINUTE = 60000;
const HALF = 30000;

/** The thresholds (ms before the end) a share of `total` ms is warned at. */
export function warningsFor(total) {
  if (total >= 2 * MINUTE) return [MINUTE, HALF];
  if (total > MINUTE) return [HALF];
  return [];
}

export class FloorLine {
  constructor(root, view) {
    this.view = view;
    this.tick = null;
    this.warned = { turn: null, at: new Set() };
    this.el = {
      line: $("#floor-line", root),
      text: $("#floor-text", root),
      timer: $("#floor-timer", root),
      next: $("#floor-next", root),
      round: $("#round-banner", root),
      warning: $("#floor-warning", root),
      tools: $("#floor-tools", root),
      extend1: $("#extend-1", root),
      extend2: $("#extend-2", root),
      revoke: $("#revoke", root),
    };
    this.el.extend1.addEventListener("click", () => view.run("extend_floor", { seconds: 60 }));
    this.el.extend2.addEventListener("click", () => view.run("extend_floor", { seconds: 120 }));
    this.el.revoke.addEventListener("click", () => view.run("revoke"));
  }

  /** The next person to share: the round's next one still here, else the queue's first. */
  nextName() {
    const { view } = this;
    const holder = view.floor?.participant_id;
    if (view.round) {
      const order = view.round.order || [];
      const start = holder ? order.indexOf(holder) + 1 : 0;
      const next = order.slice(start).find((id) => {
        const p = view.participants.get(id);
        return p && !p.muted;
      });
      return next ? view.nameOf(next) : "";
    }
    const first = view.queue.find((id) => id !== holder);
    return first ? view.nameOf(first) : "";
  }

  render() {
    const { el, view } = this;
    window.clearInterval(this.tick);
    const floor = view.floor;
    const round = view.round;
    show(el.line, Boolean(floor || round));
    if (!floor && !round) {
      this.setWarning("normal", "");
      return;
    }
    const mine = Boolean(floor && floor.participant_id === view.you.id);
    el.line.classList.toggle("mine", mine);
    let text = "";
    if (floor) text = mine ? t("floor.yours_line") : t("floor.other", { name: view.nameOf(floor.participant_id) });
    if (el.text.textContent !== text) el.text.textContent = text;
    const next = this.nextName();
    el.next.textContent = next ? t("floor.next", { name: next }) : "";
    show(el.next, Boolean(next));
    if (round) {
      const order = round.order || [];
      const at = floor ? order.indexOf(floor.participant_id) : -1;
      el.round.textContent = t("floor.round", {
        n: formatNumber(at >= 0 ? at + 1 : 0),
        total: formatNumber(order.length),
      });
    }
    show(el.round, Boolean(round));
    show(el.tools, Boolean(floor && view.isFacilitator()));
    if (!floor || !floor.ends_at || floor.paused) {
      el.timer.textContent = floor?.paused ? t("floor.paused") : "";
      this.setWarning("normal", "");
      return;
    }
    this.update();
    this.tick = window.setInterval(() => this.update(), 1000);
  }

  /** Each second: the time left, the line's level, and a warning crossing announced once. */
  update() {
    const floor = this.view.floor;
    if (!floor || !floor.ends_at) return;
    const ends = Date.parse(floor.ends_at);
    const left = ends - this.view.serverNow();
    this.el.timer.textContent = t("floor.left", { time: formatCountdown(left) });
    const started = Date.parse(floor.started_at || "");
    const total = Number.isNaN(started) ? left : ends - started;
    const thresholds = warningsFor(total);
    if (this.warned.turn !== floor.turn_id) this.warned = { turn: floor.turn_id, at: new Set() };
    const warned = this.warned.at;
    // Time added: a warning passed can come again.
    for (const threshold of [...warned]) if (left > threshold + 1000) warned.delete(threshold);
    const crossed = thresholds.filter((threshold) => left <= threshold && left > 0);
    const level = crossed.includes(HALF) ? "last" : crossed.length ? "warn" : "normal";
    const fresh = crossed.filter((threshold) => !warned.has(threshold));
    for (const threshold of crossed) warned.add(threshold);
    if (fresh.length) this.setWarning(level, t(level === "last" ? "floor.warn_30" : "floor.warn_minute"));
    else if (level === "normal") this.setWarning("normal", "");
    else this.el.line.dataset.level = level;
  }

  setWarning(level, text) {
    this.el.line.dataset.level = level;
    if (this.el.warning.textContent !== text) this.el.warning.textContent = text;
    show(this.el.warning, Boolean(text));
  }

  stop() {
    window.clearInterval(this.tick);
  }
}
