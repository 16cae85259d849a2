// /login: sign in and out.

import { api, clearErrors, currentUser, fieldError, showErrors } from "../api.js";
import { $, show } from "../dom.js";
import { t } from "../i18n.js";
import { initPage } from "../shell.js";

initPage();

const form = $("#login-form");

/** Where to go after signing in: a same-site path from ?next=, else the console. */
function nextPath() {
  const next = new URLSearchParams(window.location.search).get("next") || "";
  return next.startsWith("/") && !next.startsWith("//") ? next : "/console";
}

function signedIn(user) {
  show($("#signed-in"), Boolean(user));
  show(form, !user);
  if (user) $("#who").textContent = user.username;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(form);
  const username = form.elements.username.value.trim();
  const password = form.elements.password.value;
  let missing = false;
  for (const [control, value] of [
    [form.elements.username, username],
    [form.elements.password, password],
  ]) {
    if (!value) {
      fieldError(form, control, t("form.required"));
      missing = true;
    }
  }
  if (missing) {
    form.querySelector("[aria-invalid]").focus();
    return;
  }
  try {
    await api("/api/auth/login", { method: "POST", body: { username, password } });
    window.location.assign(nextPath());
  } catch (error) {
    if (error.code === "bad_credentials") error.message = t("login.bad_credentials");
    showErrors(form, error);
    form.elements.password.value = "";
  }
});

$("#logout").addEventListener("click", async () => {
  await api("/api/auth/logout", { method: "POST", body: {} }).catch(() => null);
  signedIn(null);
  form.elements.username.focus();
});

currentUser().then(signedIn);
