/**
 * Talking to a provider, through `openid-client` (an OpenID Certified relying
 * party): the authorization request (code flow, PKCE S256, state, and for
 * OpenID Connect a nonce), and its answer: the code exchanged at the token
 * endpoint, the ID token checked (signature through the provider's JWKS, iss,
 * aud, exp, nonce, and auth_time for a re-authentication), the RFC 9207 `iss`
 * parameter checked when the provider sends one, and the user's claims read.
 * GitHub speaks OAuth 2.0 without ID tokens: its user and emails API says who
 * the user is. Nothing here is written by hand.
 */
import "server-only";
import * as oauth from "openid-client";
import { ApiError } from "@/lib/errors";
import { log } from "@/lib/log";
import type { Provider, ProviderId } from "@/lib/auth/federation/providers";

/** Who the provider says signed in. */
export interface Identity {
  issuer: string;
  subject: string;
  /** Lower-case; null when the provider shared none. */
  email: string | null;
  /** The provider says it checked that the user owns `email`. */
  emailVerified: boolean;
  name: string | null;
  preferredUsername: string | null;
}

/** Seconds a provider may take to answer one request. */
const PROVIDER_TIMEOUT_SECONDS = 10;

/** Discovered (or, for GitHub, written down) provider configurations, one per provider and settings. */
const configurations = new Map<string, Promise<oauth.Configuration>>();

function githubApi(provider: Provider): string {
  // github.com's API lives on its own host; GitHub Enterprise Server's (and the stand-in's) under /api/v3.
  return provider.issuer === "https://github.com" ? "https://api.github.com" : `${provider.issuer}/api/v3`;
}

async function discover(provider: Provider): Promise<oauth.Configuration> {
  const insecure = provider.issuer.startsWith("http:");
  let configuration: oauth.Configuration;
  if (provider.protocol === "github") {
    configuration = new oauth.Configuration(
      { issuer: provider.issuer, authorization_endpoint: `${provider.issuer}/login/oauth/authorize`, token_endpoint: `${provider.issuer}/login/oauth/access_token` },
      provider.clientId,
      provider.clientSecret,
    );
    if (insecure) oauth.allowInsecureRequests(configuration);
  } else {
    // lib/config.ts accepts a plain-http issuer outside production only (the local development provider).
    configuration = await oauth.discovery(new URL(provider.issuer), provider.clientId, provider.clientSecret, undefined, {
      timeout: PROVIDER_TIMEOUT_SECONDS,
      ...(insecure ? { execute: [oauth.allowInsecureRequests] } : {}),
    });
  }
  configuration.timeout = PROVIDER_TIMEOUT_SECONDS;
  return configuration;
}

/** The provider's configuration, discovered once per process; a failed discovery is tried again next time. */
function configurationOf(provider: Provider): Promise<oauth.Configuration> {
  const key = `${provider.id} ${provider.issuer} ${provider.clientId}`;
  let found = configurations.get(key);
  if (!found) {
    found = discover(provider);
    configurations.set(key, found);
    found.catch(() => configurations.delete(key));
  }
  return found;
}

/** What the callback needs to check the answer to one authorization request; stored with the flow. */
export interface FlowSecrets {
  state: string;
  nonce: string | null;
  codeVerifier: string;
}

export interface AuthorizationRequest extends FlowSecrets {
  url: URL;
}

/**
 * A new authorization request to `provider`. A re-authentication asks an
 * OpenID Provider to sign the user in again (`prompt=login`, `max_age=0`);
 * GitHub has no such parameter, and only shows its account chooser.
 */
export async function authorizationRequest(provider: Provider, { reauth = false }: { reauth?: boolean } = {}): Promise<AuthorizationRequest> {
  const configuration = await providerCall(provider, "discovery", () => configurationOf(provider));
  const codeVerifier = oauth.randomPKCECodeVerifier();
  const state = oauth.randomState();
  const nonce = provider.protocol === "oidc" ? oauth.randomNonce() : null;
  const parameters: Record<string, string> = {
    redirect_uri: provider.redirectUri,
    scope: provider.protocol === "oidc" ? "openid email profile" : "read:user user:email",
    code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: "S256",
    state,
    ...(nonce ? { nonce } : {}),
    ...(reauth ? (provider.protocol === "oidc" ? { prompt: "login", max_age: "0" } : { prompt: "select_account" }) : {}),
  };
  return { url: oauth.buildAuthorizationUrl(configuration, parameters), state, nonce, codeVerifier };
}

/**
 * Checks the provider's answer (`params`, the callback's query) against the
 * flow it belongs to, exchanges the code and reads who signed in.
 * `maxAgeSeconds`: for a re-authentication, the ID token's `auth_time` must be
 * no older than that (the time since the flow started).
 */
export async function completeAuthorization(provider: Provider, params: URLSearchParams, flow: FlowSecrets, { maxAgeSeconds }: { maxAgeSeconds?: number } = {}): Promise<Identity> {
  const configuration = await providerCall(provider, "discovery", () => configurationOf(provider));
  // The URL the provider sent the browser to: the registered redirect URI (never the request's Host) with the answer's parameters.
  const callbackUrl = new URL(provider.redirectUri);
  for (const [name, value] of params) callbackUrl.searchParams.append(name, value);
  const tokens = await providerCall(provider, "token", () =>
    oauth.authorizationCodeGrant(configuration, callbackUrl, {
      pkceCodeVerifier: flow.codeVerifier,
      expectedState: flow.state,
      ...(flow.nonce ? { expectedNonce: flow.nonce } : {}),
      ...(maxAgeSeconds !== undefined && provider.protocol === "oidc" ? { maxAge: maxAgeSeconds } : {}),
    }),
  );
  if (provider.protocol === "github") return githubIdentity(provider, configuration, tokens.access_token);
  const claims = tokens.claims();
  if (!claims) throw new ApiError("federation_failed");
  // The ID token says who; the userinfo endpoint usually has the email and profile (it must name the same subject).
  const userinfo = configuration.serverMetadata().userinfo_endpoint
    ? await providerCall(provider, "userinfo", () => oauth.fetchUserInfo(configuration, tokens.access_token, claims.sub))
    : {};
  const merged = { ...userinfo, ...claims } as Record<string, unknown>;
  const email = typeof merged.email === "string" ? merged.email.trim().toLowerCase() : null;
  return {
    issuer: claims.iss,
    subject: claims.sub,
    email: email || null,
    emailVerified: Boolean(email) && (merged.email_verified === true || merged.email_verified === "true"),
    name: typeof merged.name === "string" ? merged.name : null,
    preferredUsername: typeof merged.preferred_username === "string" ? merged.preferred_username : null,
  };
}

interface GitHubUser {
  id: number;
  login: string;
  name?: string | null;
}

interface GitHubEmail {
  email: string;
  primary: boolean;
  verified: boolean;
}

async function githubJson<T>(configuration: oauth.Configuration, accessToken: string, url: string): Promise<T> {
  const headers = new Headers({ accept: "application/vnd.github+json", "user-agent": "Tessera", "x-github-api-version": "2022-11-28" });
  const response = await oauth.fetchProtectedResource(configuration, accessToken, new URL(url), "GET", undefined, headers);
  if (!response.ok) throw new Error(`GitHub answered ${response.status} for ${new URL(url).pathname}`);
  return (await response.json()) as T;
}

async function githubIdentity(provider: Provider, configuration: oauth.Configuration, accessToken: string): Promise<Identity> {
  const api = githubApi(provider);
  const [user, emails] = await providerCall(provider, "userinfo", () =>
    Promise.all([githubJson<GitHubUser>(configuration, accessToken, `${api}/user`), githubJson<GitHubEmail[]>(configuration, accessToken, `${api}/user/emails`)]),
  );
  if (!Number.isSafeInteger(user.id) || typeof user.login !== "string") throw new ApiError("federation_failed");
  // The primary address if GitHub verified it, else any verified one: an unverified address proves nothing.
  const verified = Array.isArray(emails) ? emails.filter((entry) => entry?.verified === true && typeof entry.email === "string") : [];
  const chosen = verified.find((entry) => entry.primary) ?? verified[0];
  return {
    issuer: provider.issuer,
    subject: String(user.id),
    email: chosen ? chosen.email.trim().toLowerCase() : null,
    emailVerified: Boolean(chosen),
    name: typeof user.name === "string" ? user.name : null,
    preferredUsername: user.login,
  };
}

/**
 * Runs one step of talking to `provider`. An ApiError passes; a provider that
 * cannot be reached is `provider_unavailable`; anything else it said or did
 * wrong (a bad ID token, a refused code, a wrong `iss`) is `federation_failed`,
 * logged with the library's reason code, never with a token.
 */
async function providerCall<T>(provider: Provider, step: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ApiError) throw error;
    const reason = reasonOf(error);
    log.warn({ provider: provider.id satisfies ProviderId, step, reason }, "federation_step_failed");
    throw new ApiError(isUnreachable(error) ? "provider_unavailable" : "federation_failed");
  }
}

function reasonOf(error: unknown): string {
  if (error instanceof oauth.ClientError) return `${error.code ?? "client_error"}: ${error.message}`;
  if (error instanceof oauth.ResponseBodyError) return `${error.error}: ${error.error_description ?? ""}`;
  if (error instanceof oauth.AuthorizationResponseError) return `${error.error}: ${error.error_description ?? ""}`;
  return error instanceof Error ? `${error.name}: ${error.message}` : "unknown";
}

/** A network failure or a timeout, rather than an answer. */
function isUnreachable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === "TimeoutError" || error.name === "AbortError" || (error instanceof TypeError && /fetch failed/i.test(error.message))) return true;
  return error.cause !== undefined && error.cause !== error && isUnreachable(error.cause);
}
