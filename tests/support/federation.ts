/**
 * Signing in with a provider over real HTTP, as a browser does it: a
 * `FederationBrowser` keeps one cookie jar per origin (the app's, the local
 * OpenID Provider's, the GitHub stand-in's) and one client address, follows
 * the provider's redirects itself and stops at the app's callback, so a test
 * can open that URL in this browser, in another, twice, or changed. The
 * providers are the ones `npm test` starts (tools/federation-services.ts); their
 * addresses are the app's own settings.
 */
import { BASE_URL, randomClientIp } from "@/tools/http-client";
import { CookieJar, SESSION_COOKIE } from "@/tools/cookies";
import type { Tampering } from "@/tools/oidc-provider";

export const OIDC_ISSUER = process.env.AUTH_OIDC_ISSUER ?? "";
export const GITHUB_URL = process.env.AUTH_GITHUB_URL ?? "";

/** Who signs in at the OpenID Provider: its sign-in form's fields. */
export interface OidcAccount {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  preferred_username?: string;
  tamper?: Tampering;
}

/** Who signs in at the GitHub stand-in. */
export interface GitHubAccount {
  id: number;
  login: string;
  name?: string;
  email?: string;
  verified?: boolean;
}

export class FederationBrowser {
  private readonly jars = new Map<string, CookieJar>();
  readonly ip = randomClientIp();

  jar(origin = new URL(BASE_URL).origin): CookieJar {
    let jar = this.jars.get(origin);
    if (!jar) this.jars.set(origin, (jar = new CookieJar()));
    return jar;
  }

  /** One request, with this browser's cookies for that origin and its client address; never follows a redirect. */
  async fetch(url: string | URL, init: { method?: string; form?: Record<string, string>; json?: unknown; headers?: Record<string, string> } = {}): Promise<Response> {
    const target = new URL(url, BASE_URL);
    const jar = this.jar(target.origin);
    const headers: Record<string, string> = { "x-forwarded-for": this.ip, ...init.headers };
    if (jar.header) headers.cookie = jar.header;
    let body: string | undefined;
    if (init.form) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      body = new URLSearchParams(init.form).toString();
      headers.origin ??= target.origin;
    } else if (init.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(init.json);
      headers.origin ??= target.origin;
    }
    return jar.keep(await fetch(target, { method: init.method ?? (body === undefined ? "GET" : "POST"), headers, body, redirect: "manual" }));
  }

  /** The session cookie, as a `Cookie` header for the app, or undefined when not signed in. */
  get session(): string | undefined {
    const value = this.jar().get(SESSION_COOKIE);
    return value ? `${SESSION_COOKIE}=${value}` : undefined;
  }

  /** GET /api/auth/oauth/:provider[?next=]: the provider's authorization URL this browser is sent to. */
  async start(provider: "oidc" | "github" | string, next?: string): Promise<URL> {
    const response = await this.fetch(`/api/auth/oauth/${provider}${next === undefined ? "" : `?${new URLSearchParams({ next })}`}`);
    return redirectTarget(response, `start ${provider}`);
  }

  /**
   * Signs in afresh at the OpenID Provider from its authorization URL as `account`
   * (or cancels with `deny`) and follows the provider's redirects: the URL of
   * the app's callback it ends on, not yet opened.
   */
  async atOidcProvider(authorization: URL, account: OidcAccount | "deny"): Promise<URL> {
    // Signed out at the provider first: whoever the test names signs in, not the one the provider remembers.
    this.jars.delete(authorization.origin);
    let location = redirectTarget(await this.fetch(authorization), "authorization request");
    if (!location.pathname.startsWith("/interaction/")) throw new Error(`the provider did not ask who signs in: ${location}`);
    const fields: Record<string, string> =
      account === "deny"
        ? { deny: "1" }
        : Object.fromEntries(Object.entries(account).map(([name, value]) => [name, String(value)]));
    location = redirectTarget(await this.fetch(new URL(`${location.pathname}/login`, location), { form: fields }), "sign-in at the provider");
    while (location.origin === new URL(OIDC_ISSUER).origin) location = redirectTarget(await this.fetch(location), "provider redirect");
    return location;
  }

  /** Signs in at the GitHub stand-in from its authorization URL as `account`: the app's callback URL. */
  async atGitHub(authorization: URL, account: GitHubAccount): Promise<URL> {
    const fields: Record<string, string> = Object.fromEntries(authorization.searchParams);
    for (const [name, value] of Object.entries(account)) fields[name] = String(value);
    return redirectTarget(await this.fetch(new URL(authorization.pathname, authorization), { form: fields }), "sign-in at GitHub");
  }

  /** Opens the app's callback URL: where the app sends this browser next. */
  async callback(url: URL): Promise<string> {
    const response = await this.fetch(url);
    if (response.status !== 303) throw new Error(`the callback answered ${response.status}: ${await response.text()}`);
    return response.headers.get("location")!;
  }

  /** The whole sign-in with the OpenID Provider: where the app sends this browser at the end. */
  async signInWithOidc(account: OidcAccount, next?: string): Promise<string> {
    return this.callback(await this.atOidcProvider(await this.start("oidc", next), account));
  }
}

function redirectTarget(response: Response, what: string): URL {
  const location = response.headers.get("location");
  if (response.status < 300 || response.status > 399 || !location) throw new Error(`${what}: expected a redirect, got ${response.status}`);
  return new URL(location, response.url);
}

/** A subject no other test run has used. */
export function uniqueSubject(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Settings that leave a second server without sign-in providers (one without APP_URL must: a provider's redirect URI is built from it). */
export const WITHOUT_PROVIDERS: Record<string, string> = {
  AUTH_OIDC_ISSUER: "",
  AUTH_OIDC_CLIENT_ID: "",
  AUTH_OIDC_CLIENT_SECRET: "",
  AUTH_GITHUB_CLIENT_ID: "",
  AUTH_GITHUB_CLIENT_SECRET: "",
  AUTH_GITHUB_URL: "",
};
