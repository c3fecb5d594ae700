// The Users section: find by any address, page through, export; and one user at a time: edit
// its name, flag and aliases, disable or enable it, delete it (after a confirmation naming it).
// Every change is sent with the user's version (If-Match): a user changed since the page read
// it is not overwritten, it is read again.
import { $, cell, download, explain, filename, headers, keyGiven, say } from "./shared.js";

const USERS_PER_PAGE = 20;
let usersCursor = null;
let editing = null; // the user the edit dialog is for

function userFilter() {
  const address = $("user-email").value.trim();
  return address ? `&address=${encodeURIComponent(address)}` : "";
}

function actionButton(label, name, handler) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "row-action";
  button.textContent = label;
  button.setAttribute("aria-label", `${label} ${name}`);
  button.addEventListener("click", handler);
  return button;
}

function userRow(user) {
  const row = document.createElement("tr");
  row.dataset.id = user.id;
  cell(row, user.email);
  cell(row, user.aliases.join(", "));
  cell(row, user.name);
  cell(row, user.force_change_password ? "yes" : "no");
  const state = cell(row, user.active ? "active" : "disabled");
  if (!user.active) state.className = "disabled";
  cell(row, new Date(user.created_at).toLocaleString());
  cell(row, user.import_id ?? "");
  const actions = cell(row, "");
  actions.className = "user-actions";
  actions.append(
    actionButton("Edit", user.email, () => openEdit(user)),
    actionButton(user.active ? "Disable" : "Enable", user.email,
      () => change(user, { active: !user.active }, user.active ? "disabled" : "enabled")),
    actionButton("Delete", user.email, () => remove(user)),
  );
  return row;
}

export async function loadUsers(first) {
  if (!$("api-key").value.trim()) return;
  if (first) usersCursor = null;
  const cursor = usersCursor ? `&cursor=${encodeURIComponent(usersCursor)}` : "";
  const answer = await fetch(`/users?limit=${USERS_PER_PAGE}${userFilter()}${cursor}`, {
    headers: headers(),
  });
  const data = await answer.json().catch(() => ({}));
  if (!answer.ok) {
    say(explain(answer, data), "bad");
    return;
  }
  const body = $("users").querySelector("tbody");
  body.replaceChildren(...data.items.map(userRow));
  if (!data.items.length) {
    const row = document.createElement("tr");
    cell(row, userFilter() ? "No user has this address." : "No users yet.").colSpan = 8;
    body.appendChild(row);
  }
  usersCursor = data.next_cursor;
  $("users-next").disabled = !usersCursor;
}

// The service's answer to a change, in the page's words.
function changeProblem(answer, data, user) {
  if (answer.status === 412) {
    return `${user.email} was changed since this page read it; it was read again: look at it ` +
      "and try once more.";
  }
  if (data.code === "invalid_user") {
    return `Nothing was saved: ${(data.errors || []).map((e) => e.message).join(" ")}`;
  }
  return explain(answer, data);
}

async function change(user, fields, done) {
  if (!keyGiven()) return false;
  const answer = await fetch(`/users/${user.id}`, {
    method: "PATCH",
    headers: headers({ "Content-Type": "application/json", "If-Match": `"${user.version}"` }),
    body: JSON.stringify(fields),
  });
  const data = await answer.json().catch(() => ({}));
  if (answer.ok) say(`${user.email} was ${done}.`, "ok");
  else say(changeProblem(answer, data, user), "bad");
  await loadUsers(true);
  return answer.ok;
}

function openEdit(user) {
  editing = user;
  $("edit-user-heading").textContent = `Edit ${user.email}`;
  $("edit-name").value = user.name;
  $("edit-aliases").value = user.aliases.join("\n");
  $("edit-force").checked = user.force_change_password;
  $("edit-user").showModal();
  $("edit-name").focus();
}

async function saveEdit(event) {
  event.preventDefault();
  const user = editing;
  const aliases = $("edit-aliases").value.split(/[\s,;]+/).filter(Boolean);
  const fields = {
    name: $("edit-name").value,
    force_change_password: $("edit-force").checked,
    aliases,
  };
  $("edit-user").close();
  await change(user, fields, "saved");
}

async function remove(user) {
  if (!keyGiven()) return;
  const question = `Delete ${user.email} (${user.name})? The user is removed and its ` +
    `${user.aliases.length + 1} address(es) become free to be used again.`;
  if (!window.confirm(question)) return;
  const answer = await fetch(`/users/${user.id}`, {
    method: "DELETE",
    headers: headers({ "If-Match": `"${user.version}"` }),
  });
  const data = answer.status === 204 ? {} : await answer.json().catch(() => ({}));
  if (answer.status === 204) say(`${user.email} was deleted.`, "ok");
  else say(changeProblem(answer, data, user), "bad");
  await loadUsers(true);
}

async function exportUsers() {
  if (!keyGiven()) return;
  const answer = await fetch(`/users?${userFilter().slice(1)}`, {
    headers: headers({ Accept: "text/csv" }),
  });
  if (!answer.ok) {
    say(explain(answer, await answer.json().catch(() => ({}))), "bad");
    return;
  }
  const name = filename(answer, "users.csv");
  download(await answer.blob(), name);
  say(`The users were saved as ${name}: edit it and import it with "Update them".`, "ok");
}

export function setupUsers() {
  $("user-search").addEventListener("submit", (event) => {
    event.preventDefault();
    if (keyGiven()) loadUsers(true);
  });
  $("all-users").addEventListener("click", () => {
    $("user-email").value = "";
    if (keyGiven()) loadUsers(true);
  });
  $("users-first").addEventListener("click", () => keyGiven() && loadUsers(true));
  $("users-next").addEventListener("click", () => keyGiven() && loadUsers(false));
  $("export-users").addEventListener("click", exportUsers);
  $("edit-user-form").addEventListener("submit", saveEdit);
  $("edit-cancel").addEventListener("click", () => $("edit-user").close());
}
