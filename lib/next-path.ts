/**
 * The `next` path a sign-in goes on to. A module of its own, without zod, because
 * the sign-in page's client components call it too, and what they import is sent
 * to every browser: beside the schemas it cost /login 115 kB of JavaScript.
 */

/**
 * Where to go after signing in: only same-origin relative paths. The check runs
 * on the URL parser's *normalised* result as well as on the input, because the
 * parser removes dot segments (`/.//evil`, `/%2e%2e//evil`), turns `\` into `/`
 * and drops tabs and newlines: any of them can leave a protocol-relative
 * `//evil` that a browser would follow to another site.
 */
export function safeNextPath(value: unknown, fallback = "/dashboard"): string {
  if (typeof value !== "string" || value.length > 2048) return fallback;
  if (!value.startsWith("/") || isProtocolRelative(value)) return fallback;
  try {
    const base = "http://tessera.invalid";
    const url = new URL(value, base);
    const path = `${url.pathname}${url.search}${url.hash}`;
    if (url.origin !== base || isProtocolRelative(path)) return fallback;
    return path;
  } catch {
    return fallback;
  }
}

function isProtocolRelative(path: string): boolean {
  return /^\/[\\/]/.test(path);
}
