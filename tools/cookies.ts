/**
 * Tessera's cookies as a client sees them: their names, and the `Set-Cookie`
 * lines of a response parsed by hand (Node's fetch keeps no cookie jar).
 */
export const SESSION_COOKIE = "__Host-tessera_session";
export const REFRESH_COOKIE = "__Secure-tessera_refresh";
export const DEVICE_COOKIE = "__Host-tessera_device";
/** A password accepted that waits for its second factor. */
export const PENDING_COOKIE = "__Host-tessera_pending";

export interface SetCookie {
  name: string;
  value: string;
  attributes: Record<string, string | true>;
}

export function setCookies(response: Response): SetCookie[] {
  return parseSetCookies(response.headers.getSetCookie());
}

/** `Set-Cookie` header lines, parsed. */
export function parseSetCookies(lines: string[]): SetCookie[] {
  return lines.map((line) => {
    const [pair, ...rest] = line.split(";");
    const at = pair!.indexOf("=");
    const attributes: Record<string, string | true> = {};
    for (const part of rest) {
      const [key, ...value] = part.trim().split("=");
      attributes[key!.toLowerCase()] = value.length ? value.join("=") : true;
    }
    return { name: pair!.slice(0, at).trim(), value: pair!.slice(at + 1).trim(), attributes };
  });
}

/** A cookie as a `Cookie` header sends it back: `name=value`. */
export function cookieHeader(cookie: Pick<SetCookie, "name" | "value">): string {
  return `${cookie.name}=${cookie.value}`;
}

export function sessionCookie(response: Response): SetCookie | undefined {
  return setCookies(response).find((cookie) => cookie.name === SESSION_COOKIE);
}

export function refreshCookie(response: Response): SetCookie | undefined {
  return setCookies(response).find((cookie) => cookie.name === REFRESH_COOKIE);
}

/** The device cookie a sign-in handed out, as a `Cookie` header (`name=value`), if any. */
export function deviceCookie(response: Response): string | undefined {
  const cookie = setCookies(response).find(({ name }) => name === DEVICE_COOKIE);
  return cookie && cookieHeader(cookie);
}

/** The cookies one client holds across requests, as a browser keeps them: set, replaced, and dropped when cleared. */
export class CookieJar {
  private readonly held = new Map<string, string>();

  /** Takes in a response's `Set-Cookie` lines; returns the response. */
  keep(response: Response): Response {
    for (const cookie of setCookies(response)) {
      if (cookie.value === "" || cookie.attributes["max-age"] === "0") this.held.delete(cookie.name);
      else this.held.set(cookie.name, cookie.value);
    }
    return response;
  }

  get(name: string): string | undefined {
    return this.held.get(name);
  }

  /** The `Cookie` header this client sends. */
  get header(): string {
    return [...this.held].map(([name, value]) => `${name}=${value}`).join("; ");
  }
}
