// Co-hosts and the empty chair, in the browser: the line that says when no
// facilitator is here (or one is reconnecting), and the switch to and from the
// facilitator's view when this participant is made a co-host or stops being one,
// without a reload. The room's state (view.chair, roles) is kept by room-events.js.

import { $, show } from "./dom.js";
import { t } from "./i18n.js";
import { FacilitatorControls } from "./facilitator.js";

/** The chair's line above the composer: shown while the chair is not held. */
export class ChairLine {
  constructor(root, view) {
    this.view = view;
    this.el = $("#chair-status", root);
  }

  render() {
    const chair = this.view.chair;
    const text = chair === "reconnecting" ? t("chair.reconnecting") : chair === "empty" ? t("chair.empty") : "";
    if (this.el.textContent !== text) this.el.textContent = text;
    this.el.dataset.chair = chair || "held";
    show(this.el, Boolean(text));
  }
}

/**
 * Makes the page match `view.you.role`: the facilitator's panels when it is
 * "facilitator" (seeded with `frame`, a welcome or a facilitator_view), none otherwise.
 */
export function matchRole(view, root, frame = null) {
  const facilitator = view.you?.role === "facilitator";
  if (facilitator && !view.facilitator) {
    // One set of controls per page: their buttons are bound once, and come back on a new promotion.
    view.spareControls ||= new FacilitatorControls(root, view);
    view.facilitator = view.spareControls;
    view.facilitator.onWelcome(frame || { alerts: [], state: { lobby: [] } });
  } else if (!facilitator && view.facilitator) {
    view.facilitator.stop();
    view.facilitator = null;
  }
  root.classList.toggle("as-facilitator", facilitator);
  view.renderAll();
}

/** A live `role_changed` about this participant switches the view (a replay does not). */
export function followRole(view, root, event) {
  if (event.type !== "role_changed" || event.participant_id !== view.you?.id) return;
  if (typeof event.seq === "number" && event.seq <= view.snapshotSeq) return;
  matchRole(view, root);
}
