/**
 * Talking to a Tessera server like a client would (the tests and the bench):
 * real HTTP, each request from a client address of its own, cookies carried by
 * hand (./cookies.ts), and the
 * server-action forms of the pages submitted as a browser without JavaScript.
 */
import { cookieHeader, deviceCookie, refreshCookie, sessionCookie } from "@/tools/cookies";

export const BASE_URL = process.env.TESSERA_BASE_URL ?? "http://127.0.0.1:3000";

/** The password of every account the tests register, through the API or the forms. */
export const TEST_PASSWORD = "a-good-long-password";

export interface Call {
  method?: string;
  json?: unknown;
  form?: Record<string, string>;
  body?: BodyInit;
  cookie?: string;
  headers?: Record<string, string>;
  /** Abort (and fail) a request that gets no answer within this time. */
  timeoutMs?: number;
}

/** A made-up client address per request (the test server trusts X-Forwarded-For), so no test exhausts the per-IP limit. */
export function randomClientIp(): string {
  const byte = () => Math.floor(Math.random() * 254) + 1;
  return `10.${byte()}.${byte()}.${byte()}`;
}

/**
 * A client address of its own: connect from it (`localAddress`) and a server
 * that reads the socket sees it, so no per-IP count carries over between tests
 * (all of 127.0.0.0/8 is local).
 */
export function loopbackAddress(): string {
  const byte = () => Math.floor(Math.random() * 250) + 2;
  return `127.${byte()}.${byte()}.${byte()}`;
}

export interface Signed {
  /** `Cookie` header with the access token only (what pages and APIs receive). */
  access: string;
  /** `Cookie` header with the refresh token only (what the auth routes receive). */
  refresh: string;
  token: string;
  refreshToken: string;
  userId: string;
  /** `Cookie` header with the device cookie, when the answer set one (a browser's, not a Bearer client's). */
  device?: string;
}

/** Requests to the app at `base` (another server than the test server, for one). */
export function httpClient(base: string) {
  async function call(path: string, { method, json, form, body, cookie, headers = {}, timeoutMs }: Call = {}): Promise<Response> {
    const allHeaders: Record<string, string> = { "x-forwarded-for": randomClientIp(), ...headers };
    if (cookie) allHeaders.cookie = cookie;
    let payload = body;
    if (json !== undefined) {
      allHeaders["content-type"] ??= "application/json";
      payload = JSON.stringify(json);
    } else if (form) {
      payload = new URLSearchParams(form);
    }
    return fetch(`${base}${path}`, {
      method: method ?? (payload === undefined ? "GET" : "POST"),
      headers: allHeaders,
      body: payload,
      redirect: "manual",
      signal: timeoutMs === undefined ? null : AbortSignal.timeout(timeoutMs),
    });
  }

  /** Signs in through the JSON API and returns both cookies, as a browser would hold them. */
  async function signInFully(username: string, password: string, headers: Record<string, string> = {}): Promise<Signed> {
    const response = await call("/api/auth/login", { json: { username, password }, headers });
    if (response.status !== 200) throw new Error(`sign-in as ${username} failed: ${response.status} ${await response.text()}`);
    return signedBy(response);
  }

  /** Signs in and returns the Cookie header for pages and APIs. */
  async function signIn(username: string, password: string): Promise<string> {
    return (await signInFully(username, password)).access;
  }

  /** A Bearer token from POST /api/auth/token (a session of its own, with no cookie). */
  async function bearerToken(username: string, password: string): Promise<{ token: string; expiresAt: string }> {
    const response = await call("/api/auth/token", { json: { username, password } });
    if (response.status !== 200) throw new Error(`token for ${username} failed: ${response.status} ${await response.text()}`);
    return (await response.json()).data;
  }

  /** Registers a fresh account (so a test owns its sessions) and returns its credentials. */
  async function registerUser(prefix = "user"): Promise<{ username: string; password: string; id: string }> {
    const { username, password, id } = await registerSignedIn(prefix);
    return { username, password, id };
  }

  /**
   * Registers a fresh account and keeps the session its registration opened
   * (registering signs in): for a test that needs a signed-in account but is
   * not about signing in, without paying for a second password check.
   */
  async function registerSignedIn(prefix = "user"): Promise<Signed & { username: string; password: string; id: string }> {
    const username = uniqueName(prefix);
    const password = TEST_PASSWORD;
    const response = await call("/api/auth/register", { json: { username, password, name: "Test User" } });
    if (response.status !== 201) throw new Error(`register failed: ${response.status} ${await response.text()}`);
    const signed = await signedBy(response);
    return { username, password, id: signed.userId, ...signed };
  }

  return { call, signInFully, signIn, bearerToken, registerUser, registerSignedIn };
}

/** The session a sign-in or registration answer opened: both cookies and the user's id. */
async function signedBy(response: Response): Promise<Signed> {
  const access = sessionCookie(response);
  const refresh = refreshCookie(response);
  if (!access || !refresh) throw new Error("the answer did not set both session cookies");
  const { data } = await response.json();
  const device = deviceCookie(response);
  return {
    access: cookieHeader(access),
    refresh: cookieHeader(refresh),
    token: access.value,
    refreshToken: refresh.value,
    userId: data.user.id,
    ...(device ? { device } : {}),
  };
}

export const { call, signInFully, signIn, bearerToken, registerUser, registerSignedIn } = httpClient(BASE_URL);

/** A name no other test run has used: for usernames, so that tests never collide on the shared database. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
}

const ENTITIES: Record<string, string> = { "&quot;": '"', "&#x27;": "'", "&#39;": "'", "&lt;": "<", "&gt;": ">", "&amp;": "&" };
const htmlText = (text = "") => text.replace(/&(quot|#x27|#39|lt|gt|amp);/g, (entity) => ENTITIES[entity]!);

/**
 * A page's server-action form, submitted as a browser without JavaScript does:
 * the hidden `$ACTION_*` fields React rendered into the page, plus the user's
 * input, as one multipart POST to the page. Next.js answers with the page
 * re-rendered around the form's new state, or with a redirect.
 */
export async function serverActionForm(path: string) {
  const html = await (await call(path)).text();
  const hidden = [...html.matchAll(/<input\b[^>]*>/g)]
    .map(([tag]) => tag)
    .filter((tag) => tag.includes('type="hidden"'))
    .map((tag) => [htmlText(/name="([^"]*)"/.exec(tag)?.[1]), htmlText(/value="([^"]*)"/.exec(tag)?.[1])] as const);
  return (fields: Record<string, string>, { cookie, headers = {} }: Pick<Call, "cookie" | "headers"> = {}) => {
    const form = new FormData();
    for (const [name, value] of hidden) form.append(name, value);
    for (const [name, value] of Object.entries(fields)) form.set(name, value);
    return call(path, { body: form, cookie, headers: { origin: new URL(BASE_URL).origin, ...headers } });
  };
}
