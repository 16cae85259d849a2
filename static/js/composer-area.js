// The bottom of the room, always in view: the message box, and the action row
// (raise hand for attendees, "I'm done" and "Pass" for the speaker, the
// facilitator's floor buttons, "I need help" opening a small dialog). Muted or
// crosstalk-blocked attendees find the box disabled, with the reason beside it.

import { $, show } from "./dom.js";
import { confirmSend } from "./guard-dialog.js";
import { formatNumber, t } from "./i18n.js";

const HELP_STATUS_MS = 15000;

export class ComposerArea {
  /** `resourceItems` builds the crisis lines shown in the help dialog. */
  constructor(root, view, resourceItems) {
    this.view = view;
    this.resourceItems = resourceItems;
    this.helpTimer = null;
    const dialog = document.getElementById("help-dialog");
    this.el = {
      form: $("#composer", root),
      say: $("#say", root),
      send: $("#send", root),
      note: $("#composer-note", root),
      hand: $("#hand", root),
      yieldBtn: $("#yield", root),
      passBtn: $("#pass", root),
      helpOpen: $("#help-open", root),
      helpStatus: $("#help-status", root),
      helpDialog: dialog,
      helpForm: $("#help-form", dialog),
      helpNote: $("#help-note", dialog),
      helpResources: $("#help-resources", dialog),
      helpCancel: $("#help-cancel", dialog),
      helpWhisper: $("#help-whisper", dialog),
    };
    this.bind();
  }

  bind() {
    const { el, view } = this;
    el.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.say();
    });
    el.say.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.say();
      }
    });
    el.hand.addEventListener("click", () => {
      const raised = view.queue.includes(view.you?.id);
      view.run(raised ? "lower_hand" : "raise_hand");
    });
    el.yieldBtn.addEventListener("click", () => view.run("yield"));
    el.passBtn.addEventListener("click", () => view.run("pass"));
    el.helpOpen.addEventListener("click", () => {
      el.helpResources.replaceChildren(...this.resourceItems(view.resources));
      el.helpDialog.showModal();
      el.helpNote.focus();
    });
    el.helpForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const note = el.helpNote.value.trim();
      const ok = await view.run("help", note ? { note } : {});
      if (ok) {
        el.helpNote.value = "";
        el.helpDialog.close();
        this.helpSent();
        el.helpOpen.focus();
      }
    });
    // The same note as a private message: the facilitators can answer it privately.
    el.helpWhisper.addEventListener("click", async () => {
      const text = el.helpNote.value.trim();
      if (!text) {
        el.helpNote.focus();
        return;
      }
      if (!(await confirmSend(text, el.helpNote))) return;
      if (await view.run("whisper", { text })) {
        el.helpNote.value = "";
        el.helpDialog.close();
        el.helpOpen.focus();
      }
    });
    el.helpCancel.addEventListener("click", () => {
      el.helpDialog.close();
      el.helpOpen.focus();
    });
  }

  async say() {
    const { say } = this.el;
    const text = say.value.trim();
    if (!text || say.disabled) return;
    if (!(await confirmSend(text, say))) return;
    const ok = await this.view.run("say", { text });
    if (ok && say.value.trim() === text) say.value = "";
  }

  /** "The facilitators have been told", for a while: the action row stays one line. */
  helpSent() {
    const status = this.el.helpStatus;
    status.textContent = t("help.sent");
    window.clearTimeout(this.helpTimer);
    this.helpTimer = window.setTimeout(() => {
      status.textContent = "";
    }, HELP_STATUS_MS);
  }

  render() {
    this.renderActions();
    this.renderBox();
  }

  /** The action row: raise hand (attendees), I'm done and Pass (the speaker), help. */
  renderActions() {
    const { el, view } = this;
    const floor = view.floor;
    const facilitator = view.isFacilitator();
    const me = view.participants.get(view.you.id);
    const mine = Boolean(floor && floor.participant_id === view.you.id);
    const position = view.queue.indexOf(view.you.id);
    show(el.hand, !facilitator && !(mine && position < 0)); // the speaker needs room for I'm done
    show(el.helpOpen, !facilitator);
    show(el.yieldBtn, mine);
    show(el.passBtn, mine && Boolean(view.round));
    el.hand.textContent = position >= 0 ? t("hand.lower") : t("hand.raise");
    el.hand.setAttribute("aria-pressed", position >= 0 ? "true" : "false");
    el.hand.disabled = Boolean((me && me.muted) || (mine && position < 0));
  }

  /** Muted or crosstalk-blocked: the message box is disabled, and says why. */
  renderBox() {
    const { el, view } = this;
    const { floor, settings } = view;
    const me = view.participants.get(view.you.id);
    let note = "";
    let blocked = false;
    if (me && me.muted) {
      note = t("composer.muted");
      blocked = true;
    } else if (floor && floor.participant_id !== view.you.id && !settings.crosstalk && !view.isFacilitator()) {
      note = t("composer.crosstalk_off", { name: view.nameOf(floor.participant_id) });
      blocked = true;
    } else if (floor && floor.participant_id === view.you.id) note = t("composer.your_turn");
    else if (settings.slow_mode_seconds && !view.isFacilitator()) {
      note = t("composer.slow_mode", { n: formatNumber(settings.slow_mode_seconds) });
    }
    el.note.textContent = note;
    show(el.note, Boolean(note));
    el.say.disabled = blocked;
    el.send.disabled = blocked;
    view.root.classList.toggle("composer-blocked", blocked);
  }

  close() {
    if (this.el.helpDialog.open) this.el.helpDialog.close();
  }
}
