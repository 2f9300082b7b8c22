/**
 * What a client gets while the database is down or slower than DB_TIMEOUT_MS
 * (`service_unavailable`, docs/api.md#errors). API calls get the error envelope with
 * Retry-After; forms show the message; a signed-in page sends the browser to
 * a small 503 page that comes back by itself. Nothing here touches the
 * session: an outage signs nobody out.
 */
import "server-only";
import { redirect } from "next/navigation";
import { isDatabaseUnavailable } from "@/lib/db/errors";
import { RETRY_AFTER_SECONDS } from "@/lib/request/client-errors";

/** `/unavailable?next=…`, the page a signed-in page hands over to during an outage. */
export function unavailablePath(next: string): string {
  return `/unavailable?${new URLSearchParams({ next })}`;
}

/**
 * Renders a page, or runs a form's action, that needs the database; if the
 * database cannot answer, the browser goes to the 503 page instead, which
 * returns to `path` when it can.
 */
export async function renderWhenAvailable<T>(path: string, render: () => Promise<T>): Promise<T> {
  try {
    return await render();
  } catch (error) {
    if (isDatabaseUnavailable(error)) redirect(unavailablePath(path));
    throw error;
  }
}

const escapes: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => escapes[char]!);

/** A 503 HTML page with Retry-After that reloads `next` (a same-origin path) after that delay. */
export function unavailablePage(next: string): Response {
  const target = escapeHtml(next);
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<meta http-equiv="refresh" content="${RETRY_AFTER_SECONDS}; url=${target}">
<title>Temporarily unavailable · Tessera</title>
<style>:root{color-scheme:light dark;font-family:system-ui,sans-serif;line-height:1.5}main{max-width:36rem;margin:4rem auto;padding:0 1rem}</style>
</head>
<body>
<main>
<h1>Tessera is temporarily unavailable</h1>
<p>We cannot reach our database right now. You are still signed in; this page tries again in ${RETRY_AFTER_SECONDS} seconds.</p>
<p><a href="${target}">Try again now</a></p>
</main>
</body>
</html>
`;
  return new Response(html, {
    status: 503,
    headers: { "content-type": "text/html; charset=utf-8", "retry-after": String(RETRY_AFTER_SECONDS), "cache-control": "no-store" },
  });
}
