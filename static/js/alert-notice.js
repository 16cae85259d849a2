// How a new alert gets noticed: a toast that cannot be scrolled away, and, when the
// facilitator switched it on, one soft beep.

import { h } from "./dom.js";
import { t } from "./i18n.js";

const TOAST_MS = 8000;
const MAX_TOASTS = 3;

export class AlertNotice {
  constructor(toasts, sound, onShow) {
    this.toasts = toasts;
    this.sound = sound;
    this.onShow = onShow;
    this.audio = null;
    // Made on the click that switches sound on: browsers let audio start from a gesture.
    sound.addEventListener("change", () => {
      if (sound.checked) this.audioContext()?.resume?.();
    });
  }

  notify(text, key) {
    this.toast(text, key);
    if (this.sound.checked) this.beep();
  }

  /** Takes away the toast of something already dealt with. */
  drop(key) {
    for (const item of this.toasts.querySelectorAll(".toast")) {
      if (item.dataset.key === key) item.remove();
    }
  }

  toast(text, key) {
    this.drop(key);
    const item = h("div", { class: "toast", dataset: { key } });
    const close = () => item.remove();
    item.append(
      h("p", { dir: "auto", text }),
      h("button", {
        type: "button",
        class: "small",
        text: t("toast.show"),
        onclick: () => {
          close();
          this.onShow();
        },
      }),
      h(
        "button",
        { type: "button", class: "small link-button toast-close", "aria-label": t("toast.close"), onclick: close },
        h("span", { "aria-hidden": "true", text: "×" }),
      ),
    );
    this.toasts.append(item);
    while (this.toasts.children.length > MAX_TOASTS) this.toasts.firstElementChild.remove();
    window.setTimeout(() => {
      if (!item.contains(document.activeElement)) close();
    }, TOAST_MS);
  }

  /** A short soft tone (Web Audio), only when the facilitator switched sound on. */
  audioContext() {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!this.audio && Context) this.audio = new Context();
    return this.audio;
  }

  beep() {
    try {
      const ctx = this.audioContext();
      if (!ctx) return;
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = "sine";
      osc.frequency.value = 660;
      gain.gain.setValueAtTime(0.0001, ctx.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.2, ctx.currentTime + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + 0.35);
      osc.connect(gain).connect(ctx.destination);
      osc.start();
      osc.stop(ctx.currentTime + 0.4);
      this.sound.dataset.beeps = String(Number(this.sound.dataset.beeps || 0) + 1);
    } catch {
      // No audio: the toast and the badge still tell.
    }
  }
}
