// The Sluice console's shared script: calls to the APIs with the console's CSRF header, and
// small helpers the pages' own scripts use. No framework, no build step.
"use strict";
window.sluice = (function () {
  const CSRF = { "X-Sluice-Console": "1" };

  /** Calls an API of this server; resolves to the parsed JSON, rejects with its error message. */
  async function api(method, path, body) {
    const init = { method, headers: Object.assign({ Accept: "application/json" }, CSRF), credentials: "same-origin" };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = typeof body === "string" ? body : JSON.stringify(body);
    }
    const response = await fetch(path, init);
    const text = await response.text();
    let value = null;
    try { value = text ? JSON.parse(text) : null; } catch (e) { value = { error: text }; }
    if (!response.ok) {
      const message = value && value.error ? value.error : response.status + " " + response.statusText;
      throw new Error(message);
    }
    return value;
  }

  /** Shows a message in the element with id `where` (a notice), as an error when `error`. */
  function notice(where, message, error) {
    const element = document.getElementById(where);
    if (!element) return;
    element.textContent = message;
    element.className = "notice" + (error ? " error" : "");
    element.hidden = false;
  }

  /** Escapes text for HTML built by scripts. */
  function escape(text) {
    return String(text === null || text === undefined ? "" : text).replace(/[&<>"']/g, c =>
      ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  }

  return { api, notice, escape };
})();
