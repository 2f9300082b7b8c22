/**
 * The server's structured logger: one JSON line per entry on stdout (pino).
 * Auth code logs names, ids and event types only; the redaction below is a
 * second line of defence should a secret ever be passed in by mistake.
 */
import "server-only";
import pino from "pino";

export const log = pino({
  base: { service: "tessera" },
  timestamp: pino.stdTimeFunctions.isoTime,
  formatters: { level: (label) => ({ level: label }) },
  redact: {
    paths: ["password", "*.password", "token", "*.token", "refreshToken", "*.refreshToken", "passwordHash", "*.passwordHash", "authorization", "cookie"],
    censor: "[redacted]",
  },
});
