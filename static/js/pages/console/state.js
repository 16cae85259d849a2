// What the console's panels share: who is signed in, the groups and the selected one.

import { $, announce } from "../../dom.js";

export const state = {
  user: null,
  groups: [],
  current: null, // the selected group
  formats: [], // the selected group's formats (null: they could not be loaded)
  editing: null, // "create" | "edit" | null
  selection: 0, // the latest choice of what to show; older answers are ignored
};

export const enc = encodeURIComponent;

/** Only organisers change a group; facilitators read theirs, and are shown no button
 * the server would refuse after they confirmed. */
export const canChange = () => state.user?.role === "organiser";
export const groupPath = (suffix = "") => `/api/groups/${enc(state.current.id)}${suffix}`;

export function say(text) {
  announce($("#console-status"), text);
}
