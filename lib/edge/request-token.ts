/**
 * The one check of a request's access token, shared by the Edge middleware
 * (an optimistic gate) and the data-access layer (the real one, which goes on
 * to check the session in the database): the token comes from a Bearer header
 * or the session cookie, and is verified against our own key set, once per
 * process: a token accepted before is answered from memory until its `exp`
 * (lib/edge/token-cache.ts).
 */
import { config } from "@/lib/config";
import { readAccessToken } from "@/lib/edge/cookies";
import { ApiError } from "@/lib/errors";
import { keySet } from "@/lib/edge/keys";
import { VerifiedTokenCache } from "@/lib/edge/token-cache";
import { TokenError, type AccessClaims } from "@/lib/edge/tokens";

const verified = new VerifiedTokenCache();

/**
 * The verified claims of this request's access token, or an ApiError with the
 * 401 code that says why not: `token_missing`, `token_expired`, `invalid_token`
 * (a CookieConflictError when a session cookie name was sent twice).
 */
export async function verifyRequestToken(headers: Headers): Promise<AccessClaims> {
  const { production, jwt } = config();
  const token = readAccessToken(headers, production);
  if (token === undefined) throw new ApiError("token_missing");
  try {
    return await verified.verify(token, await keySet(), { issuer: jwt.issuer, audience: jwt.audience });
  } catch (error) {
    if (error instanceof TokenError) throw new ApiError(error.code);
    throw error;
  }
}

/** Why this request's token is refused (the ApiError to answer with), or null when it is accepted. */
export async function requestTokenProblem(headers: Headers): Promise<ApiError | null> {
  try {
    await verifyRequestToken(headers);
    return null;
  } catch (error) {
    return error instanceof ApiError ? error : new ApiError("invalid_token");
  }
}
