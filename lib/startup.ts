/**
 * Start-up, loaded by instrumentation.ts on the Node.js runtime: a missing or
 * weak setting stops the server now with a clear message, instead of failing
 * on the first request; then the hourly prune of ended sessions, old auth
 * events and passed rate-limit windows begins (lib/maintenance/schedule.ts).
 */
import { config, ConfigError } from "@/lib/edge/config";
import { keySet } from "@/lib/edge/keys";
import { startPruning } from "@/lib/maintenance/schedule";

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

startPruning();
