/**
 * Start-up, loaded by instrumentation.ts on the Node.js runtime: a missing or
 * weak setting stops the server now with a clear message, instead of failing
 * on the first request; then the hourly prune of ended sessions, old auth
 * events and passed rate-limit windows begins (lib/maintenance/schedule.ts).
 * Optional features that production leaves off without their settings are
 * named once in the log, so an operator sees why their routes answer 503.
 */
import { config, ConfigError } from "@/lib/config";
import { keySet } from "@/lib/edge/keys";
import { startPruning } from "@/lib/maintenance/schedule";
import { log } from "@/lib/log";

try {
  config();
  // Config checks the keys' shape synchronously; importing them is async, and a key
  // WebCrypto refuses (a bad EC point, a short RSA modulus) must stop start-up too.
  await keySet();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}

const { production, totpEncryptionKey, webauthn } = config();
if (production && !totpEncryptionKey) log.warn("TOTP_ENCRYPTION_KEY is not set: nobody can turn on two-factor sign-in (setup answers 503)");
if (production && !webauthn) log.warn("WEBAUTHN_RP_ID and WEBAUTHN_ORIGIN are not set: passkeys are off (their routes answer 503)");

startPruning();
