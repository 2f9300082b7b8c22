/**
 * Signing in with an outside identity (docs/federation.md): OpenID Connect,
 * Google or GitHub. A flow starts at `GET /api/auth/oauth/:provider` (sign in)
 * or `POST` there (connect a provider to the signed-in account, or step up
 * through it), goes to the provider, and ends at the callback, which answers
 * with where the browser goes next: signed in to `next`, on to the second
 * step when the account has TOTP on, or back to the page it came from with
 * `?error=<code>`. Never a 500: anything unexpected is `federation_failed`.
 */
import "server-only";
import { z } from "zod";
import { db } from "@/lib/db/client";
import { isDatabaseUnavailable, isUniqueViolation } from "@/lib/db/errors";
import { commitAuthWrites, recordAuthEvent } from "@/lib/auth/changes";
import { verifySession } from "@/lib/auth/dal";
import { connectionOf, connectWrite, disconnect, hasConnection, listConnections, touchWrite, type ConnectionView } from "@/lib/auth/federation/accounts";
import { beginFlow, takeFlow, type Flow } from "@/lib/auth/federation/flow";
import { baseUsername, displayName, freeUsername, resolveIdentity } from "@/lib/auth/federation/linking";
import { authorizationRequest, completeAuthorization, type Identity } from "@/lib/auth/federation/protocol";
import { findProvider, providerViews, type Provider, type ProviderView } from "@/lib/auth/federation/providers";
import { liveSessionUser } from "@/lib/auth/sessions/list";
import { setSessionCookies } from "@/lib/auth/sessions/cookies";
import type { SessionUser } from "@/lib/auth/sessions/start";
import { beginCeremony } from "@/lib/auth/sign-in/ceremonies";
import { guardFederationCalls } from "@/lib/auth/sign-in/limits";
import { requestDeviceToken, trustedDevice } from "@/lib/auth/sign-in/trusted-devices";
import { confirmReauth, reauthFactor, requireRecentAuth } from "@/lib/auth/step-up";
import { secondStepPath, reauthPath } from "@/lib/edge/paths";
import { ApiError, type ErrorCode } from "@/lib/errors";
import { log } from "@/lib/log";
import type { ClientInfo } from "@/lib/request/client-info";
import { validate } from "@/lib/request/validate";
import { emailSchema, idSchema } from "@/lib/schemas";
import { safeNextPath } from "@/lib/next-path";
import { startCookieSession } from "@/lib/use-cases/sign-in";

/** The configured provider `id`, or 404: a provider without its settings does not exist. */
function requireProvider(id: string): Provider {
  const provider = findProvider(id);
  if (!provider) throw new ApiError("not_found", "No such sign-in provider.");
  return provider;
}

/** `path` with `?name=value` added (or replaced); `path` is a same-origin path. */
function withParam(path: string, name: string, value: string): string {
  const url = new URL(path, "http://tessera.invalid");
  url.searchParams.set(name, value);
  return `${url.pathname}${url.search}${url.hash}`;
}

/** Where a flow that failed with `code` sends the browser: back to the page the flow began on. */
function failurePath(flow: Pick<Flow, "intent" | "next"> | null, code: ErrorCode): string {
  if (flow?.intent === "connect") return withParam(flow.next, "error", code);
  if (flow?.intent === "reauth") return withParam(reauthPath(flow.next), "error", code);
  const params = new URLSearchParams({ error: code });
  if (flow && flow.next !== "/dashboard") params.set("next", flow.next);
  return `/login?${params}`;
}

function failureCode(error: unknown): ErrorCode {
  if (error instanceof ApiError) return error.code;
  if (isDatabaseUnavailable(error)) return "service_unavailable";
  log.error({ err: error }, "federation_unexpected_error");
  return "federation_failed";
}

/**
 * `GET /api/auth/oauth/:provider?next=`: where to send the browser, the
 * provider's authorization endpoint (with the flow's cookie set), or
 * `/login?error=…` when the flow cannot start. 404 for an unknown provider.
 */
export async function startFederatedSignIn(providerId: string, query: { next?: string | null }, client: ClientInfo): Promise<string> {
  const provider = requireProvider(providerId);
  const next = safeNextPath(query.next ?? undefined);
  try {
    await guardFederationCalls(client);
    const request = await authorizationRequest(provider);
    await beginFlow({ provider: provider.id, intent: "sign-in", next, state: request.state, nonce: request.nonce, codeVerifier: request.codeVerifier });
    return request.url.href;
  } catch (error) {
    return failurePath({ intent: "sign-in", next }, failureCode(error));
  }
}

const changeSchema = z.object({
  intent: z.enum(["connect", "reauth"], { error: "intent must be connect or reauth." }),
  next: z.string().max(2048).optional(),
});

/**
 * `POST /api/auth/oauth/:provider {intent, next?}` from a signed-in user: the
 * provider's authorization URL for connecting it to the account (a sensitive
 * change: it needs a recent sign-in, else `reauth_required`) or for stepping
 * up through it (for an account without a password or TOTP, at a provider it
 * is connected to; an OpenID Provider is asked to sign the user in again).
 */
export async function startFederatedChange(providerId: string, input: unknown, client: ClientInfo): Promise<string> {
  const provider = requireProvider(providerId);
  const { intent, next: requested } = validate(changeSchema, input);
  const session = await verifySession();
  if (intent === "connect") await requireRecentAuth(session);
  else await assertStepsUpThrough(session.user.id, provider);
  await guardFederationCalls(client);
  const request = await authorizationRequest(provider, { reauth: intent === "reauth" });
  await beginFlow({
    provider: provider.id,
    intent,
    next: safeNextPath(requested),
    state: request.state,
    nonce: request.nonce,
    codeVerifier: request.codeVerifier,
    userId: session.user.id,
    sessionId: session.sessionId,
  });
  return request.url.href;
}

/**
 * A step-up through `provider`: only for an account whose step-up factor is a
 * provider (no password, no TOTP), and one it is connected to there. With a
 * password or TOTP the account steps up with those: a provider must not stand
 * in for the code that keeps a stolen session from turning TOTP off.
 */
async function assertStepsUpThrough(userId: string, provider: Provider): Promise<void> {
  if ((await reauthFactor(userId)) !== "provider") throw new ApiError("forbidden", "Confirm it is you with your password or authenticator code instead.");
  if (!(await hasConnection(userId, provider.id))) throw new ApiError("not_found", `No ${provider.label} account is connected to yours.`);
}

/** The ID token's auth_time may lag the flow's start by this much (clocks differ). */
const AUTH_TIME_SKEW_SECONDS = 5;

/**
 * `GET /api/auth/oauth/:provider/callback`: completes this browser's flow with
 * the provider's answer and says where the browser goes next. 404 for an
 * unknown provider; every other failure is a page with `?error=`.
 */
export async function finishFederatedFlow(providerId: string, params: URLSearchParams, client: ClientInfo): Promise<string> {
  const provider = requireProvider(providerId);
  let flow: Flow | null = null;
  try {
    await guardFederationCalls(client);
    flow = await takeFlow(provider.id, params.get("state"));
    const refusal = params.get("error");
    if (refusal) throw new ApiError(refusal === "access_denied" ? "federation_denied" : "federation_failed");
    const maxAgeSeconds = flow.intent === "reauth" ? Math.ceil((Date.now() - flow.createdAt.getTime()) / 1000) + AUTH_TIME_SKEW_SECONDS : undefined;
    const identity = normalized(await completeAuthorization(provider, params, flow, maxAgeSeconds === undefined ? {} : { maxAgeSeconds }));
    if (flow.intent === "connect") return await connectIdentity(provider, identity, flow, client);
    if (flow.intent === "reauth") return await reauthenticateWith(identity, flow, client);
    return await signInWith(provider, identity, flow, client);
  } catch (error) {
    const code = failureCode(error);
    // Only an answer to a flow that existed is recorded: junk callbacks must not buy a write each.
    if (flow && code !== "service_unavailable") {
      await recordAuthEvent({ type: "federation_failure", userId: flow.userId ?? null, client }).catch(() => undefined);
    }
    return failurePath(flow, code);
  }
}

/** An email address the app can store, or none. */
function normalized(identity: Identity): Identity {
  const email = emailSchema.safeParse(identity.email ?? undefined);
  return email.success ? { ...identity, email: email.data } : { ...identity, email: null, emailVerified: false };
}

/** A unique index decided a race (the same identity, username or address taken meanwhile): resolving again sees the winner. */
const ATTEMPTS = 3;

async function signInWith(provider: Provider, identity: Identity, flow: Flow, client: ClientInfo): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await signInOnce(provider, identity, flow, client);
    } catch (error) {
      if (!isUniqueViolation(error) || attempt >= ATTEMPTS) throw error;
    }
  }
}

async function signInOnce(provider: Provider, identity: Identity, flow: Flow, client: ClientInfo): Promise<string> {
  const connection = await connectionOf(identity);
  const owner =
    !connection && identity.email && identity.emailVerified
      ? await db.user.findFirst({ where: { email: identity.email, emailVerifiedAt: { not: null } }, select: { id: true } })
      : null;
  const resolution = resolveIdentity(identity, provider.trustEmail, { connectedUserId: connection?.userId ?? null, confirmedOwnerId: owner?.id ?? null });
  if (resolution.kind === "refuse") throw new ApiError(resolution.code);
  if (resolution.kind === "create") return createAccount(provider, identity, resolution.emailConfirmed, flow, client);

  const user = await db.user.findUnique({ where: { id: resolution.userId }, select: { id: true, username: true, role: true, totpEnabledAt: true } });
  if (!user) throw new ApiError("federation_failed");
  const sessionUser: SessionUser = { id: user.id, username: user.username, role: user.role };
  if (resolution.kind === "link") {
    await commitAuthWrites([connectWrite(user.id, provider.id, identity)], { events: [{ type: "account_connected", userId: user.id, username: user.username, client }] });
  } else {
    await touchWrite(connection!.id, identity);
  }
  if (user.totpEnabledAt) {
    // The provider vouched for the identity; the account's second factor still stands, exactly as after a password.
    await beginCeremony("second-factor", { userId: user.id, amr: ["fed"] });
    return secondStepPath(flow.next);
  }
  const device = await trustedDevice(await requestDeviceToken(), user.username);
  await setSessionCookies(await startCookieSession(sessionUser, client, "login_success", device, { amr: ["fed"] }));
  return flow.next;
}

/** A new account for an identity nobody has: no password, its email confirmed only if the provider verified it. */
async function createAccount(provider: Provider, identity: Identity, emailConfirmed: boolean, flow: Flow, client: ClientInfo): Promise<string> {
  const base = baseUsername(identity);
  const taken = await db.user.findMany({ where: { username: { startsWith: base } }, select: { username: true } });
  const username = freeUsername(base, new Set(taken.map((row) => row.username)));
  const user: SessionUser = { id: crypto.randomUUID(), username, role: "USER" };
  const started = await startCookieSession(user, client, "register", null, {
    newUser: {
      id: user.id,
      username,
      name: displayName(identity.name, username),
      dob: null,
      passwordHash: null,
      email: identity.email,
      emailVerifiedAt: identity.email && emailConfirmed ? new Date() : null,
    },
    amr: ["fed"],
    writes: [connectWrite(user.id, provider.id, identity)],
  });
  await setSessionCookies(started);
  return flow.next;
}

/** The user of a `connect` or `reauth` flow, while the session that started it is still live. */
async function flowUser(flow: Flow): Promise<SessionUser & { sessionId: string }> {
  const live = flow.userId && flow.sessionId ? await liveSessionUser({ id: flow.sessionId, userId: flow.userId }) : null;
  if (!live || !flow.sessionId) throw new ApiError("token_revoked");
  return { id: live.user.id, username: live.user.username, role: live.user.role, sessionId: flow.sessionId };
}

async function connectIdentity(provider: Provider, identity: Identity, flow: Flow, client: ClientInfo): Promise<string> {
  const user = await flowUser(flow);
  const connection = await connectionOf(identity);
  if (connection && connection.userId !== user.id) throw new ApiError("identity_taken");
  if (connection) {
    await touchWrite(connection.id, identity);
  } else {
    try {
      await commitAuthWrites([connectWrite(user.id, provider.id, identity)], { events: [{ type: "account_connected", userId: user.id, username: user.username, client }] });
    } catch (error) {
      if (isUniqueViolation(error)) throw new ApiError("identity_taken");
      throw error;
    }
  }
  return withParam(flow.next, "connected", provider.id);
}

async function reauthenticateWith(identity: Identity, flow: Flow, client: ClientInfo): Promise<string> {
  const user = await flowUser(flow);
  const connection = await connectionOf(identity);
  if (!connection || connection.userId !== user.id) throw new ApiError("identity_mismatch");
  await touchWrite(connection.id, identity);
  await confirmReauth({ sessionId: user.sessionId, user }, ["fed"], client);
  return flow.next;
}

/** The configured providers `userId` can confirm who they are with: those their account is connected to. */
export async function reauthProviders(userId: string): Promise<ProviderView[]> {
  const connected = new Set((await listConnections(userId)).map((connection) => connection.provider));
  return providerViews().filter((provider) => connected.has(provider.id));
}

/** The signed-in user's connected accounts. */
export async function myConnections(): Promise<ConnectionView[]> {
  const { user } = await verifySession();
  return listConnections(user.id);
}

/** Disconnects `{id}` from the signed-in user: a sensitive change (step-up), refused with 409 when it is the last way in. */
export async function disconnectMine(params: unknown, client: ClientInfo): Promise<void> {
  const session = await requireRecentAuth();
  await disconnect(session.user, validate(idSchema, params).id, client);
}
