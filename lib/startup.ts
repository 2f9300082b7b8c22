/**
 * Start-up check, loaded by instrumentation.ts on the Node.js runtime: a
 * missing or weak setting stops the server now with a clear message, instead
 * of failing on the first request.
 */
import { config, ConfigError } from "@/lib/config";

try {
  config();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}
