// The upload page: the API key from this tab's sessionStorage, a file, and the service's answers.
const KEY_STORAGE = "userimport.apiKey";
const POLL_MS = 1000;
const $ = (id) => document.getElementById(id);

let chosen = null; // the File to send
let jobLocation = null;
let lastRequest = null; // what the errors table answers, to ask for it as CSV

function headers(extra = {}) {
  const key = $("api-key").value.trim();
  return key ? { Authorization: `Bearer ${key}`, ...extra } : { ...extra };
}

function say(text, tone = "") {
  const status = $("status");
  status.textContent = text;
  status.className = tone;
}

function newIdempotencyKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) =>
    b.toString(16).padStart(2, "0")).join("");
}

function choose(file) {
  chosen = file || null;
  $("chosen-file").textContent = chosen ? chosen.name : "";
}

function cell(row, text) {
  const td = document.createElement("td");
  td.textContent = text ?? "";
  row.appendChild(td);
}

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
  const shown = total > errors.length ? ` (the first ${errors.length} are listed)` : "";
  $("error-count").textContent = `${total} problem(s) in the file${shown}.`;
  $("errors").hidden = false;
  say(`The file was refused: ${total} problem(s). Nothing was added.`, "bad");
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

async function send(dryRun) {
  if (!chosen) {
    say("Choose a CSV file first.", "bad");
    return;
  }
  $("errors").hidden = true;
  $("job").hidden = true;
  say(dryRun ? "Checking the file…" : "Importing…");
  const { url, body } = form(dryRun);
  lastRequest = { dryRun };
  let answer;
  try {
    answer = await fetch(url, {
      method: "POST",
      body,
      headers: headers({ "Idempotency-Key": newIdempotencyKey() }),
    });
  } catch {
    say("The service could not be reached.", "bad");
    return;
  }
  const data = await answer.json().catch(() => ({}));
  if (answer.status === 200) say(`The file is valid: ${summary(data)}. Nothing was added.`, "ok");
  else if (answer.status === 201) say(`Imported: ${summary(data)}.`, "ok");
  else if (answer.status === 202) follow(answer.headers.get("Location"), data);
  else if (data.code === "import_refused") showErrors(data);
  else say(data.detail || `The service answered ${answer.status}.`, "bad");
  loadHistory();
}

async function downloadErrors() {
  if (!chosen || !lastRequest) return;
  const { body } = form(true); // a dry run answers the same problems and can add nothing
  const answer = await fetch("/imports?dry_run=true", {
    method: "POST",
    body,
    headers: headers({ Accept: "text/csv" }),
  });
  if (!answer.ok && answer.headers.get("content-type")?.startsWith("text/csv")) {
    const link = document.createElement("a");
    link.href = URL.createObjectURL(await answer.blob());
    link.download = "import-errors.csv";
    document.body.appendChild(link);
    link.click();
    link.remove();
    say("The errors were saved as import-errors.csv.", "bad");
  } else {
    say("The file has no errors any more; check it again.", "ok");
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
    if (["completed", "failed", "cancelled"].includes(current.status)) {
      jobLocation = null;
      $("cancel-button").disabled = true;
      if (current.status === "completed") say(`Imported: ${summary(current)}.`, "ok");
      else if (current.status === "cancelled") say("The job was cancelled; nothing was added.", "bad");
      else showErrors(current);
      loadHistory();
    }
  }
}

async function cancelJob() {
  if (!jobLocation) return;
  const answer = await fetch(`${jobLocation}/cancel`, { method: "POST", headers: headers() });
  if (answer.ok) say("Cancelling the job…");
}

async function loadHistory() {
  const answer = await fetch("/imports?limit=20", { headers: headers() });
  if (!answer.ok) return;
  const body = $("history").querySelector("tbody");
  body.replaceChildren();
  for (const item of (await answer.json()).items) {
    const row = document.createElement("tr");
    cell(row, item.id);
    cell(row, new Date(item.created_at).toLocaleString());
    cell(row, item.filename);
    cell(row, item.dry_run ? `${item.status} (check)` : item.status);
    cell(row, item.rows);
    cell(row, item.dry_run ? item.planned.added : item.added);
    cell(row, item.error_count);
    body.appendChild(row);
  }
}

function start() {
  const keyInput = $("api-key");
  keyInput.value = sessionStorage.getItem(KEY_STORAGE) || "";
  keyInput.addEventListener("change", () => {
    sessionStorage.setItem(KEY_STORAGE, keyInput.value.trim());
    loadHistory();
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
  if (keyInput.value) loadHistory();
}

start();
