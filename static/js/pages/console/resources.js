// The resources panel: links the selected group pins in its rooms (crisis lines first).

import { api, clearErrors, fieldError, showErrors } from "../../api.js";
import { $, h, safeUrl } from "../../dom.js";
import { t } from "../../i18n.js";
import { deleteAndReload, listPanel, removeButton } from "./lists.js";
import { enc, groupPath, say } from "./state.js";

const resourceForm = $("#resource-form");

export const { load, render } = listPanel("/resources", "#resource-list", "console.no_resources", (r) =>
  h(
    "li",
    { class: "row" },
    h(
      "span",
      {},
      h("span", { class: r.kind === "crisis" ? "badge crisis" : "badge", text: t(`resource.${r.kind}`) }),
      " ",
      h("a", { href: safeUrl(r.url), rel: "noopener noreferrer", target: "_blank", dir: "auto", text: r.title }),
    ),
    removeButton(t("console.remove"), r.title, () =>
      deleteAndReload(`/resources/${enc(r.id)}`, load, "console.resource_removed"),
    ),
  ),
);

export function wire() {
  resourceForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(resourceForm);
    const el = resourceForm.elements;
    const body = { title: el.title.value.trim(), url: el.url.value.trim(), kind: el.kind.value };
    let missing = false;
    for (const name of ["title", "url"]) {
      if (!body[name]) {
        fieldError(resourceForm, el[name], t("form.required"));
        missing = true;
      }
    }
    if (!missing && !/^https?:\/\//i.test(body.url)) {
      fieldError(resourceForm, el.url, t("resource.bad_url"));
      missing = true;
    }
    if (missing) {
      resourceForm.querySelector("[aria-invalid]").focus();
      return;
    }
    try {
      await api(groupPath("/resources"), { method: "POST", body });
      say(t("console.resource_added", { title: body.title }));
      resourceForm.reset();
      await load();
    } catch (error) {
      showErrors(resourceForm, error);
    }
  });
}
