// The facilitators panel: who may run the selected group's meetings.

import { api, clearErrors, fieldError, showErrors } from "../../api.js";
import { $, h } from "../../dom.js";
import { t } from "../../i18n.js";
import { deleteAndReload, listPanel, removeButton } from "./lists.js";
import { enc, groupPath, say } from "./state.js";

const facilitatorForm = $("#facilitator-form");

export const { load, render } = listPanel("/facilitators", "#facilitator-list", "console.no_facilitators", (f) => {
  const name = f.username;
  return h(
    "li",
    { class: "row" },
    h("span", { dir: "auto", text: name }),
    removeButton(t("console.remove"), name, () =>
      deleteAndReload(`/facilitators/${enc(name)}`, load, "console.facilitator_removed"),
    ),
  );
});

export function wire() {
  facilitatorForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(facilitatorForm);
    const input = facilitatorForm.elements.username;
    const name = input.value.trim().toLowerCase();
    if (!name) {
      fieldError(facilitatorForm, input, t("form.required"));
      input.focus();
      return;
    }
    try {
      await api(groupPath(`/facilitators/${enc(name)}`), { method: "PUT", body: {} });
      say(t("console.facilitator_added", { name }));
      input.value = "";
      await load();
    } catch (error) {
      if (error.status === 404) error.fields = { username: t("console.no_such_user") };
      showErrors(facilitatorForm, error);
    }
  });
}
