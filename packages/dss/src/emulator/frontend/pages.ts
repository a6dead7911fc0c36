/**
 * The front-end's pages: plain server-rendered HTML, every input with a label, no scripts but
 * the one that submits the form back to `backpost` (with a button for browsers without scripts).
 * Values are escaped; a password, PIN or one-time password is never written into a page.
 */
import { randomBytes } from "node:crypto";
import type { RawResponse } from "@trustspec/runtime/server";
import { escapeHtml } from "../sts/html.js";

const encoder = new TextEncoder();

export { escapeHtml };

const STYLE = `body{font-family:sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;line-height:1.4}
label{display:block;margin:.6rem 0 .2rem}fieldset{margin:1rem 0}
.error{color:#a00;border:1px solid #a00;padding:.5rem}
.info{white-space:pre-wrap;border:1px solid #888;padding:.5rem;background:#f6f6f6}
button{margin:.8rem .5rem 0 0}`;

/** A complete page answer, with headers that keep it out of caches and frames. */
export function htmlPage(
  status: number,
  title: string,
  body: string,
  extra: { headers?: Record<string, string>; script?: string; refreshSeconds?: number } = {},
): RawResponse {
  const nonce = randomBytes(16).toString("base64");
  const script = extra.script ? `\n<script nonce="${nonce}">${extra.script}</script>` : "";
  const refresh =
    extra.refreshSeconds === undefined
      ? ""
      : `\n<meta http-equiv="refresh" content="${extra.refreshSeconds}" />`;
  const html = `<!DOCTYPE html>
<html lang="ru">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />${refresh}
<title>${escapeHtml(title)} — КриптоПро DSS (эмулятор)</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${body}
</main>${script}
</body>
</html>
`;
  return {
    status,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "x-frame-options": "DENY",
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      "content-security-policy": `default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}'; form-action 'self' http: https:; frame-ancestors 'none'; base-uri 'none'`,
      ...extra.headers,
    },
    body: encoder.encode(html),
  };
}

/** The page that says why a request cannot be acted on (nothing is posted back). */
export function errorPage(status: number, message: string): RawResponse {
  return htmlPage(
    status,
    "Ошибка",
    `<p class="error" role="alert">${escapeHtml(message)}</p>
<p>Вернитесь в приложение, из которого была отправлена форма.</p>`,
  );
}

/**
 * The page that posts the result to `backpost` at once (§1.2, §1.4, §1.6, §1.8-1.10): hidden
 * fields, submitted by a script, with a button for browsers without scripts.
 */
export function backpostPage(action: string, fields: Record<string, string>): RawResponse {
  const inputs = Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}" />`)
    .join("\n");
  return htmlPage(
    200,
    "Возврат в приложение",
    `<form id="backpost" method="post" action="${escapeHtml(action)}">
${inputs}
<p>Результат передаётся в приложение.</p>
<button type="submit">Продолжить</button>
</form>`,
    { script: "document.getElementById('backpost').submit();" },
  );
}

/** Hidden fields every form of the front-end carries: the step it answers and the CSRF token. */
export function stepFields(step: string, csrf: string): string {
  return `<input type="hidden" name="step" value="${escapeHtml(step)}" />
<input type="hidden" name="csrf" value="${escapeHtml(csrf)}" />`;
}

/** A form posting to the job's own address; `cancel` adds the cancel button. */
export function jobForm(
  action: string,
  step: string,
  csrf: string,
  inner: string,
  submit: string,
  cancel = true,
): string {
  return `<form method="post" action="${escapeHtml(action)}">
${stepFields(step, csrf)}
${inner}
<button type="submit" name="decision" value="ok">${escapeHtml(submit)}</button>${
    cancel ? `\n<button type="submit" name="decision" value="cancel">Отмена</button>` : ""
  }
</form>`;
}

/** An error line shown above a form, announced to screen readers. */
export function alertLine(message: string | undefined): string {
  return message === undefined ? "" : `<p class="error" role="alert">${escapeHtml(message)}</p>\n`;
}
