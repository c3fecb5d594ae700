// The upload page: the API key from this tab's sessionStorage, a file, and the service's answers.
import {
  $, JOBS_HINT, KEY_STORAGE, apiKey, cell, download, explain, filename, headers, keyGiven,
  newIdempotencyKey, say,
} from "./shared.js";
import { loadUsers, setupUsers } from "./users.js";

const POLL_MS = 1000;

let chosen = null; // the File to send
let jobLocation = null;
let busy = false; // a request of the file section is on its way: its buttons are disabled
// The Idempotency-Key of the file and options last sent: a click that repeats the request (a
// double-click, a retry after the network failed) sends the same key, so it is answered again
// instead of imported twice. A new file or other options make a new key.
let attempt = null; // { signature, key, dryRun }





function choose(file) {
  chosen = file || null;
  $("chosen-file").textContent = chosen ? chosen.name : "";
  if (!chosen) $("file-input").value = "";
}


// The service's own words where they are meant for a person; for a key problem, the page's.

function showErrors(problem) {
  const errors = [...(problem.errors || [])].sort(
    (a, b) => (a.row ?? 0) - (b.row ?? 0) || String(a.column ?? "").localeCompare(b.column ?? ""));
  const body = $("error-table").querySelector("tbody");
  body.replaceChildren();
  for (const error of errors) {
    const row = document.createElement("tr");
    cell(row, error.row ?? "");
    cell(row, error.column ?? "");
    cell(row, error.code);
    cell(row, error.message);
    body.appendChild(row);
  }
  const total = problem.error_count ?? errors.length;
  $("error-count").textContent =
    total > errors.length ? `The first ${errors.length} of them are listed.` : "";
  $("errors").hidden = false;
  if (errors.some((error) => error.code === "too_many_rows")) {
    say(`The file was refused: it has more rows than one import may hold; ${JOBS_HINT}.`, "bad");
    return;
  }
  say(`The file was refused: ${total} problem(s), listed below; nothing was added.`, "bad");
}

function summary(record) {
  // A dry run writes nothing: it says what it would write (planned).
  const counts = record.dry_run ? record.planned : record;
  const would = record.dry_run ? "would " : "";
  const parts = [`${record.rows} row(s)`, `${would}add${would ? "" : "ed"} ${counts.added}`];
  if (counts.updated) parts.push(`${would}update${would ? "" : "d"} ${counts.updated}`);
  if (counts.skipped) parts.push(`${would}skip${would ? "" : "ped"} ${counts.skipped}`);
  return parts.join(", ");
}

function form(dryRun) {
  const body = new FormData();
  body.append("file", chosen, chosen.name);
  body.append("on_existing", $("on-existing").value);
  return { url: `/imports?dry_run=${dryRun}`, body };
}

function signature(dryRun) {
  const file = `${chosen.name}|${chosen.size}|${chosen.lastModified}`;
  return `${file}|${dryRun}|${$("on-existing").value}`;
}

function setBusy(value) {
  busy = value;
  for (const id of ["check-button", "import-button", "download-errors"]) $(id).disabled = value;
}

async function send(dryRun) {
  if (busy || !keyGiven()) return;
  if (!chosen) {
    say("Choose a CSV file first.", "bad");
    return;
  }
  const sig = signature(dryRun);
  if (!attempt || attempt.signature !== sig) {
    attempt = { signature: sig, key: newIdempotencyKey(), dryRun };
  }
  setBusy(true);
  $("errors").hidden = true;
  $("job").hidden = true;
  say(dryRun ? "Checking the file…" : "Importing…");
  const { url, body } = form(dryRun);
  let answer;
  try {
    answer = await fetch(url, {
      method: "POST",
      body,
      headers: headers({ "Idempotency-Key": attempt.key }),
    });
  } catch {
    setBusy(false);
    say("The service could not be reached; try again (the same request is sent).", "bad");
    return;
  }
  setBusy(false);
  const data = await answer.json().catch(() => ({}));
  if (answer.status === 200) say(`The file is valid: ${summary(data)}; nothing was added.`, "ok");
  else if (answer.status === 201) {
    say(`Imported: ${summary(data)}.`, "ok");
    choose(null); // done: another click imports nothing until a file is chosen again
    loadUsers(true);
  } else if (answer.status === 202) {
    choose(null);
    follow(answer.headers.get("Location"), data);
  } else if (data.code === "import_refused") showErrors(data);
  else say(explain(answer, data), "bad");
  loadHistory();
}



// The refusal on screen again, as the CSV error file: the same request and Idempotency-Key,
// so the service answers it from what it kept and records no new import.
async function downloadErrors() {
  if (!chosen || !attempt || busy || !keyGiven()) return;
  const { url, body } = form(attempt.dryRun);
  const answer = await fetch(url, {
    method: "POST",
    body,
    headers: headers({ Accept: "text/csv", "Idempotency-Key": attempt.key }),
  });
  if (answer.headers.get("content-type")?.startsWith("text/csv")) {
    download(await answer.blob(), "import-errors.csv");
    say("The errors were saved as import-errors.csv; nothing was added.", "bad");
  } else {
    say("The errors could not be saved; check the file again.", "bad");
  }
}

function showJob(record) {
  const { done, total } = record.progress;
  $("job").hidden = false;
  $("job-progress").max = Math.max(total, 1);
  $("job-progress").value = done;
  $("job-text").textContent = `${record.status}: ${done} of ${total} rows`;
}

async function follow(location, record) {
  jobLocation = location;
  $("cancel-button").disabled = false;
  showJob(record);
  say(`The file is imported as a job (${record.rows} rows); its progress shows below.`);
  while (jobLocation === location) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    const answer = await fetch(location, { headers: headers() });
    if (!answer.ok) continue;
    const current = await answer.json();
    showJob(current);
    loadHistory(); // the history says what the bar says
    if (["completed", "failed", "cancelled"].includes(current.status)) {
      jobLocation = null;
      $("cancel-button").disabled = true;
      if (current.status === "completed") {
        say(`Imported: ${summary(current)}.`, "ok");
        loadUsers(true);
      } else if (current.status === "cancelled") say("The job was cancelled; nothing was added.", "bad");
      else showErrors(current);
    }
  }
}

async function cancelJob() {
  if (!jobLocation || !keyGiven()) return;
  const answer = await fetch(`${jobLocation}/cancel`, { method: "POST", headers: headers() });
  if (answer.ok) say("Cancelling the job…");
}

function statusText(item) {
  if (!item.dry_run) return item.status;
  return item.status === "validated" ? "check: valid" : `check: ${item.status}`;
}

async function revert(item) {
  if (!keyGiven()) return;
  const question = `Revert import ${item.id}? The ${item.added} user(s) it added will be ` +
    `deleted, and the ${item.updated} user(s) it updated get back the name, flag, password, ` +
    "aliases and status they had before it.";
  if (!window.confirm(question)) return;
  const answer = await fetch(`/imports/${item.id}/revert`, {
    method: "POST",
    headers: headers({ "Idempotency-Key": newIdempotencyKey() }),
  });
  const data = await answer.json().catch(() => ({}));
  if (answer.ok) {
    say(`Import ${item.id} was reverted: ${item.added} user(s) deleted, ` +
      `${item.updated} restored.`, "ok");
  } else if (data.code === "users_changed_since") {
    const shown = (data.users || []).slice(0, 5).join(", ");
    say(`Import ${item.id} was not reverted: ${data.user_count} of its users were changed ` +
      `since (${shown}); revert the later import, or fix those users, first.`, "bad");
  } else say(explain(answer, data), "bad");
  loadHistory();
  loadUsers(true);
}

async function loadHistory() {
  if (!apiKey()) return;
  const answer = await fetch("/imports?limit=20", { headers: headers() });
  if (!answer.ok) return;
  const body = $("history").querySelector("tbody");
  body.replaceChildren();
  for (const item of (await answer.json()).items) {
    const row = document.createElement("tr");
    const check = item.dry_run;
    cell(row, item.id);
    cell(row, new Date(item.created_at).toLocaleString());
    cell(row, item.filename);
    cell(row, statusText(item));
    cell(row, item.rows);
    cell(row, check ? "" : item.added);
    cell(row, check ? "" : item.updated);
    cell(row, check ? "" : item.skipped);
    cell(row, item.error_count || "");
    const actions = cell(row, "");
    if (item.status === "completed" && !check) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "revert";
      button.textContent = "Revert";
      button.setAttribute("aria-label", `Revert import ${item.id}`);
      button.addEventListener("click", () => revert(item));
      actions.appendChild(button);
    }
    body.appendChild(row);
  }
}




function start() {
  const keyInput = $("api-key");
  keyInput.value = sessionStorage.getItem(KEY_STORAGE) || "";
  keyInput.addEventListener("change", () => {
    sessionStorage.setItem(KEY_STORAGE, keyInput.value.trim());
    loadHistory();
    loadUsers(true);
  });
  const zone = $("drop-zone");
  const picker = $("file-input");
  zone.addEventListener("click", () => picker.click());
  zone.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      picker.click();
    }
  });
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    choose(event.dataTransfer.files[0]);
  });
  picker.addEventListener("change", () => choose(picker.files[0]));
  $("check-button").addEventListener("click", () => send(true));
  $("import-button").addEventListener("click", () => send(false));
  $("download-errors").addEventListener("click", downloadErrors);
  $("cancel-button").addEventListener("click", cancelJob);
  $("refresh-history").addEventListener("click", loadHistory);
  setupUsers();
  if (keyInput.value) {
    loadHistory();
    loadUsers(true);
  }
}

start();
