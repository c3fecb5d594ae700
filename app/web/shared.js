// What every part of the page shares: the API key (this tab's sessionStorage), the request
// headers, the status line, the service's words for a problem, table cells and downloads.
export const KEY_STORAGE = "userimport.apiKey";
export const JOBS_HINT = "an operator can enable larger imports as background jobs " +
  "(USERIMPORT_MAX_ROWS, with a staging key and workers)";
export const $ = (id) => document.getElementById(id);

export function apiKey() {
  return $("api-key").value.trim();
}

export function headers(extra = {}) {
  return { Authorization: `Bearer ${apiKey()}`, ...extra };
}

export function say(text, tone = "") {
  const status = $("status");
  status.textContent = text;
  status.className = tone;
}

// Nothing is sent without a key: the page asks for it first.
export function keyGiven() {
  if (apiKey()) return true;
  say("Enter the admin API key first.", "bad");
  $("api-key").focus();
  return false;
}

export function newIdempotencyKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) =>
    b.toString(16).padStart(2, "0")).join("");
}

export function cell(row, text) {
  const td = document.createElement("td");
  td.textContent = text ?? "";
  row.appendChild(td);
  return td;
}

export function explain(answer, data) {
  if (answer.status === 401) return "The API key was not accepted; check it and try again.";
  if (answer.status === 403) return "This key may only read; importing needs an admin key.";
  if (answer.status === 413) return `The file is larger than the service accepts; ${JOBS_HINT}.`;
  if (answer.status === 429 || answer.status === 503) {
    return "The service is busy; try again in a few seconds.";
  }
  return (data.detail || `The service answered ${answer.status}.`).replaceAll("`", "");
}

export function download(blob, name) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
}

export function filename(answer, fallback) {
  const match = /filename="([^"]+)"/.exec(answer.headers.get("content-disposition") || "");
  return match ? match[1] : fallback;
}
