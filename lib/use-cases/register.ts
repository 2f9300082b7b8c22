/** Creating an account, by the JSON API or the registration form: it is signed in at once. */
import "server-only";
import { createAccount } from "@/lib/auth/sign-in/credentials";
import type { StartedSession } from "@/lib/auth/sessions/start";
import { setSessionCookies } from "@/lib/auth/sessions/cookies";
import type { ClientInfo } from "@/lib/http/client-info";
import { validate } from "@/lib/http/validate";
import { mailAddressClaim } from "@/lib/mail/verification";
import { registerSchema } from "@/lib/schemas";

/**
 * Validates `{username, password, name, dob?, email?}`, creates the account
 * with its first session, and sets the cookies. An email address gets its
 * confirmation link, or, if another account already owns it, that owner is
 * told instead: the answer is the same either way.
 */
export async function register(input: unknown, client: ClientInfo): Promise<StartedSession> {
  const account = validate(registerSchema, input);
  const started = await createAccount(account, client);
  await setSessionCookies(started);
  if (account.email) mailAddressClaim(started.user.id, account.email);
  return started;
}
