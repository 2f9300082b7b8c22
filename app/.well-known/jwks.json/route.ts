/**
 * GET /.well-known/jwks.json (docs/tokens-and-cookies.md#published-public-keys): the public keys that verify our access
 * tokens, for services that check them without sharing a secret. Empty under HS256:
 * an HMAC key is a secret and is never published.
 */
import { jwks } from "@/lib/edge/keys";

// Built from this server's settings at run time, never from the build machine's.
export const dynamic = "force-dynamic";

/**
 * Short enough that verifiers see a rotation within minutes; JWKS clients such as
 * jose's createRemoteJWKSet also refetch early when they meet an unknown kid.
 */
const CACHE_CONTROL = "public, max-age=300";

export async function GET(): Promise<Response> {
  return Response.json(await jwks(), { headers: { "cache-control": CACHE_CONTROL } });
}
