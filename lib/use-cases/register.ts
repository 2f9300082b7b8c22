/** Creating an account, by the JSON API or the registration form: it is signed in at once. */
import "server-only";
import { createAccount } from "@/lib/auth/credentials";
import type { StartedSession } from "@/lib/auth/session";
import { setSessionCookies } from "@/lib/auth/session-cookies";
import type { ClientInfo } from "@/lib/http/client-info";
import { validate } from "@/lib/http/validate";
import { registerSchema } from "@/lib/schemas";

/** Validates `{username, password, name, dob?}`, creates the account with its first session, and sets the cookies. */
export async function register(input: unknown, client: ClientInfo): Promise<StartedSession> {
  const started = await createAccount(validate(registerSchema, input), client);
  await setSessionCookies(started);
  return started;
}
