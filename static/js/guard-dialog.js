// Before text that may identify someone (an e-mail address, a phone number, a web
// address: identifying.js, the pseudonym rules) leaves the browser, one question in a
// modal dialog: "Send anyway" or "Edit message". Editing, Escape or closing sends
// nothing and puts the focus back where the text is, with the text as it was.

import { $ } from "./dom.js";
import { t } from "./i18n.js";
import { looksIdentifying } from "./identifying.js";

/** Resolves true to send `text`; false (after focusing `field`) to keep editing. */
export function confirmSend(text, field) {
  const kind = looksIdentifying(text);
  const dialog = document.getElementById("guard-dialog");
  if (!kind || !dialog) return Promise.resolve(true);
  const why = $("#guard-why", dialog);
  const send = $("#guard-send", dialog);
  const edit = $("#guard-edit", dialog);
  why.textContent = t(`guard.${kind}`);
  return new Promise((resolve) => {
    const finish = (go) => {
      send.removeEventListener("click", onSend);
      edit.removeEventListener("click", onEdit);
      dialog.removeEventListener("close", onClose);
      if (dialog.open) dialog.close();
      if (field && !go) field.focus();
      resolve(go);
    };
    const onSend = () => finish(true);
    const onEdit = () => finish(false);
    const onClose = () => finish(false); // Escape
    send.addEventListener("click", onSend);
    edit.addEventListener("click", onEdit);
    dialog.addEventListener("close", onClose);
    dialog.showModal();
    edit.focus();
  });
}
