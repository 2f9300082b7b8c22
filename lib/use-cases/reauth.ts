/**
 * Re-authentication before a sensitive change (POST /api/auth/reauth and the
 * /reauth page): the signed-in user's password or, with TOTP on, a code or
 * backup code. Passkeys re-authenticate through lib/use-cases/passkeys.ts.
 */
import "server-only";
import { verifySession } from "@/lib/auth/dal";
import { reauthenticate as confirmIdentity } from "@/lib/auth/step-up";
import type { ClientInfo } from "@/lib/request/client-info";
import { validate } from "@/lib/request/validate";
import { reauthSchema } from "@/lib/schemas";

/** `{password}` or `{code}` / `{backupCode}`; on success the session's auth time is now and a fresh access token is set. */
export async function reauthenticate(input: unknown, client: ClientInfo): Promise<void> {
  const session = await verifySession();
  await confirmIdentity(session, validate(reauthSchema, input), client);
}
