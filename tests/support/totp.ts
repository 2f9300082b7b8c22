/**
 * An authenticator app for the tests: codes for a TOTP secret, and turning
 * TOTP on for an account through the API as a user would (set up, read the
 * secret, confirm a code). A code counts once per 30-second step, so tests
 * that need several take them from neighbouring steps, and start away from a
 * step's edge so that "the step before" means the same to the server.
 */
import { Secret, TOTP } from "otpauth";
import { call } from "@/tools/http-client";

const PERIOD_MS = 30_000;

/** The code of `secret` for the step `offset` steps away from now. */
export function totpCode(secret: string, offset = 0, now = Date.now()): string {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: "SHA1" }).generate({ timestamp: now + offset * PERIOD_MS });
}

/** Waits, if need be, until at least 5 s of the current step are left. */
export async function awayFromStepEdge(): Promise<void> {
  const left = PERIOD_MS - (Date.now() % PERIOD_MS);
  if (left < 5_000) await new Promise((resolve) => setTimeout(resolve, left + 250));
}

export interface Enrolled {
  secret: string;
  backupCodes: string[];
}

/**
 * Turns TOTP on for the signed-in `cookie`'s account: set up, then confirm
 * with the code of the step before now, which leaves the current and the next
 * step's codes for the test to sign in with.
 */
export async function enrolTotp(cookie: string): Promise<Enrolled> {
  await awayFromStepEdge();
  const setup = await call("/api/auth/totp/setup", { method: "POST", cookie });
  if (setup.status !== 200) throw new Error(`TOTP setup failed: ${setup.status} ${await setup.text()}`);
  const { secret } = (await setup.json()).data as { secret: string };
  const enable = await call("/api/auth/totp/enable", { json: { code: totpCode(secret, -1) }, cookie });
  if (enable.status !== 200) throw new Error(`TOTP enable failed: ${enable.status} ${await enable.text()}`);
  return { secret, backupCodes: (await enable.json()).data.backupCodes };
}
