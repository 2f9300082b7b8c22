/**
 * A sign-in with a provider in progress: an OAuthFlow row known by the random
 * token of an httpOnly cookie (only its hash is stored), holding the state,
 * PKCE verifier, nonce and `next` of one authorization request. The callback
 * takes it exactly once, from the browser that started it, within 10 minutes:
 * a state from another browser, a replayed answer or a forged callback finds
 * no flow to complete. Starting a new flow replaces the browser's earlier one.
 */
import "server-only";
import { timingSafeEqual, createHash } from "node:crypto";
import { db } from "@/lib/db/client";
import { ApiError } from "@/lib/errors";
import { generateOpaqueToken, hashOpaqueToken, isWellFormedOpaqueToken } from "@/lib/auth/opaque-token";
import { requestCookie, setCookie } from "@/lib/auth/sessions/cookies";
import type { FlowSecrets } from "@/lib/auth/federation/protocol";
import type { ProviderId } from "@/lib/auth/federation/providers";

/** How long the user may take at the provider. */
export const FLOW_TTL_SECONDS = 10 * 60;

/** `sign-in`; `connect`: link the identity to the signed-in user; `reauth`: step-up through the provider. */
export type FlowIntent = "sign-in" | "connect" | "reauth";

export interface FlowStart extends FlowSecrets {
  provider: ProviderId;
  intent: FlowIntent;
  next: string;
  /** The signed-in user and session of a `connect` or `reauth` flow. */
  userId?: string;
  sessionId?: string;
}

export interface Flow extends FlowStart {
  createdAt: Date;
}

/** Stores the flow and sets its cookie. */
export async function beginFlow(start: FlowStart, now = new Date()): Promise<void> {
  const token = generateOpaqueToken();
  await db.oAuthFlow.create({
    data: {
      tokenHash: hashOpaqueToken(token),
      provider: start.provider,
      intent: start.intent,
      state: start.state,
      nonce: start.nonce,
      codeVerifier: start.codeVerifier,
      next: start.next,
      userId: start.userId ?? null,
      sessionId: start.sessionId ?? null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + FLOW_TTL_SECONDS * 1000),
    },
  });
  await setCookie("oauth", token, FLOW_TTL_SECONDS);
}

function sameText(a: string, b: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * Takes this browser's flow for `provider`, once: the cookie must name a live
 * flow of that provider whose state is the callback's `state`. Of two requests
 * with the same cookie exactly one gets it; a wrong state ends the flow too.
 * Anything else is `federation_state`. The cookie is cleared either way.
 */
export async function takeFlow(provider: ProviderId, state: string | null, now = new Date()): Promise<Flow> {
  const cookie = await requestCookie("oauth");
  await setCookie("oauth", "", 0);
  if (!cookie || !isWellFormedOpaqueToken(cookie)) throw new ApiError("federation_state");
  const row = await db.oAuthFlow.findUnique({ where: { tokenHash: hashOpaqueToken(cookie) } });
  const { count } = row ? await db.oAuthFlow.deleteMany({ where: { id: row.id } }) : { count: 0 };
  if (!row || count !== 1 || row.expiresAt <= now || row.provider !== provider || !state || !sameText(row.state, state)) throw new ApiError("federation_state");
  return {
    provider,
    intent: row.intent as FlowIntent,
    state: row.state,
    nonce: row.nonce,
    codeVerifier: row.codeVerifier,
    next: row.next,
    ...(row.userId ? { userId: row.userId } : {}),
    ...(row.sessionId ? { sessionId: row.sessionId } : {}),
    createdAt: row.createdAt,
  };
}
