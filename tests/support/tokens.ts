/**
 * Access tokens the server would never issue, signed with its own key (read from
 * the same settings the test server runs with, any JWT_ALG), and the claims of
 * a token read without verifying it.
 */
import { SignJWT, base64url } from "jose";
import { parseConfig } from "@/lib/config";
import { buildKeySet } from "@/lib/edge/keys";

/** The server's own key set, built on first use. */
let serverKeys: ReturnType<typeof buildKeySet> | undefined;

/** A token signed with the server's current key and any claims, e.g. already expired. */
export async function forgeToken(claims: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
  const { current } = await (serverKeys ??= buildKeySet(parseConfig(process.env).jwt));
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: "tessera", aud: "tessera", jti: crypto.randomUUID(), iat: now, exp: now + 900, amr: ["pwd"], auth_time: now, ...claims })
    .setProtectedHeader({ alg: current.alg, typ: "at+jwt", kid: current.kid, ...header })
    .sign(current.key);
}

export function decodeClaims(token: string): Record<string, unknown> {
  return JSON.parse(new TextDecoder().decode(base64url.decode(token.split(".")[1]!)));
}
