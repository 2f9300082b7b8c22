/**
 * Which paths need a signed-in user (docs/security.md). Pure and Edge-safe. Paths are
 * normalised first, so `/Dashboard/`, `/%64ashboard` and `//dashboard` are
 * judged like `/dashboard`: a guard that a spelling can skip guards nothing.
 */

const PROTECTED_PAGES = ["/dashboard", "/admin", "/reauth", "/orgs"];
const PROTECTED_APIS = [
  "/api/auth/me",
  "/api/auth/sessions",
  "/api/auth/totp",
  "/api/auth/reauth",
  "/api/auth/passkeys",
  "/api/auth/email/resend",
  "/api/auth/org",
  "/api/auth/connected-accounts",
  "/api/users",
  "/api/posts",
  "/api/admin",
  "/api/orgs",
  "/api/invitations",
];
/** Public endpoints that live under a protected prefix (a passkey sign-in starts signed out). */
const PUBLIC_EXCEPTIONS = ["/api/users/authenticate", "/api/auth/passkeys/sign-in"];

/** Decodes percent-escapes (repeatedly, so double encoding cannot hide a path), folds case, collapses slashes. */
export function normalizePath(pathname: string): string {
  let path = pathname;
  for (let round = 0; round < 3 && path.includes("%"); round++) {
    try {
      path = decodeURIComponent(path);
    } catch {
      break;
    }
  }
  path = path.toLowerCase().replace(/[\\/]+/g, "/");
  if (path.length > 1) path = path.replace(/\/+$/, "");
  return path || "/";
}

function under(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}

export type Protection = "page" | "api" | null;

export function protectionOf(pathname: string): Protection {
  const path = normalizePath(pathname);
  if (PUBLIC_EXCEPTIONS.some((prefix) => under(path, prefix))) return null;
  if (PROTECTED_APIS.some((prefix) => under(path, prefix))) return "api";
  if (PROTECTED_PAGES.some((prefix) => under(path, prefix))) return "page";
  return null;
}

/** The page to come back to, without Next.js's internal `_rsc` parameter. */
function returnPath(pathname: string, search: string): string {
  const params = new URLSearchParams(search);
  params.delete("_rsc");
  const query = params.toString();
  return `${pathname}${query ? `?${query}` : ""}`;
}

/** `/login?next=…` for a page the user could not open; the path is ours, so it is same-origin by construction. */
export function loginRedirectPath(pathname: string, search: string): string {
  return `/login?${new URLSearchParams({ next: returnPath(pathname, search) })}`;
}

/** `/login/verify?next=…`: the second step of a sign-in that waits for a code or a passkey. */
export function secondStepPath(next: string): string {
  return `/login/verify?${new URLSearchParams({ next })}`;
}

/** `/reauth?next=…`: confirm who you are before a sensitive change, then go back to `next`. */
export function reauthPath(next: string): string {
  return `/reauth?${new URLSearchParams({ next })}`;
}

/**
 * `/api/auth/refresh?next=…`: a page request without a usable access token
 * goes by the refresh route first, the only place the refresh cookie is sent;
 * it comes back signed in, or goes on to the sign-in page.
 */
export function refreshRedirectPath(pathname: string, search: string): string {
  return `/api/auth/refresh?${new URLSearchParams({ next: returnPath(pathname, search) })}`;
}
