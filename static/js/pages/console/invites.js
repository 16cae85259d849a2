// The invites panel: invite links of the selected group, made, copied once and revoked.

import { api, clearErrors, showErrors } from "../../api.js";
import { $, h, show } from "../../dom.js";
import { formatNumber, t } from "../../i18n.js";
import { formatWhen } from "../../time.js";
import { deleteAndReload, listPanel, removeButton } from "./lists.js";
import { enc, groupPath, state } from "./state.js";

const inviteForm = $("#invite-form");

export const { load, render } = listPanel("/invites", "#invite-list", "console.no_invites", (invite) => {
  const uses =
    invite.max_uses != null
      ? t("invite.uses_of", { n: formatNumber(invite.use_count), max: formatNumber(invite.max_uses) })
      : t("invite.uses", { n: formatNumber(invite.use_count) });
  const bits = [
    t("invite.hint", { hint: invite.hint }),
    t(`invite.status_${invite.status}`),
    uses,
    invite.expires_at ? t("invite.expires_on", { when: formatWhen(invite.expires_at) }) : null,
  ].filter(Boolean);
  return h(
    "li",
    { class: "row" },
    h("span", { text: bits.join(" · ") }),
    invite.status === "active"
      ? removeButton(t("invite.revoke"), t("invite.hint", { hint: invite.hint }), () =>
          deleteAndReload(`/invites/${enc(invite.id)}`, load, "invite.revoked_done"),
        )
      : null,
  );
});

export function wire() {
  inviteForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(inviteForm);
    const el = inviteForm.elements;
    const body = {};
    if (el.max_uses.value) body.max_uses = Number(el.max_uses.value);
    if (el.expires_at.value) body.expires_at = new Date(el.expires_at.value).toISOString();
    try {
      const invite = await api(groupPath("/invites"), { method: "POST", body });
      const url = new URL(invite.url || `/g/${enc(state.current.id)}#invite=${enc(invite.code)}`, window.location.origin);
      $("#new-invite-url").value = url.href;
      $("#copy-status").textContent = "";
      show($("#new-invite"), true);
      inviteForm.reset();
      $("#new-invite-url").focus();
      $("#new-invite-url").select();
      await load();
    } catch (error) {
      showErrors(inviteForm, error);
    }
  });

  $("#copy-invite").addEventListener("click", async () => {
    const input = $("#new-invite-url");
    try {
      await navigator.clipboard.writeText(input.value);
      $("#copy-status").textContent = t("invite.copied");
    } catch {
      input.focus();
      input.select();
      $("#copy-status").textContent = t("invite.copy_manually");
    }
  });
}
