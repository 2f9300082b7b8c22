/**
 * Have I Been Pwned's range API, by k-anonymity: only the first 5 hex
 * characters of the password's SHA-1 leave the server; the service answers
 * with every breached hash suffix under that prefix (padded with count-0 decoys
 * by `Add-Padding`, so the answer's size says nothing either), and the match is
 * made here. Any failure is "unknown", never a refusal: the local list still applies.
 */
import "server-only";
import { createHash } from "node:crypto";
import { log } from "@/lib/log";

/** The whole request: the service sees this prefix and nothing else of the password. */
export interface RangeQuery {
  prefix: string;
  suffix: string;
}

/** Splits the password's SHA-1 (upper-case hex) into the 5-character prefix that is sent and the suffix that stays here. */
export function rangeQuery(password: string): RangeQuery {
  const hash = createHash("sha1").update(password, "utf8").digest("hex").toUpperCase();
  return { prefix: hash.slice(0, 5), suffix: hash.slice(5) };
}

const LINE = /^([0-9A-F]{35}):(\d+)$/;

/** Whether a range answer lists `suffix` with a count above 0; undefined when the answer is not a range list. */
export function suffixInRange(body: string, suffix: string): boolean | undefined {
  let found = false;
  for (const raw of body.split("\n")) {
    const line = raw.trim().toUpperCase();
    if (line === "") continue;
    const match = LINE.exec(line);
    if (!match) return undefined;
    if (match[1] === suffix && Number(match[2]) > 0) found = true;
  }
  return found;
}

export interface PwnedCheckOptions {
  apiUrl: string;
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 3_000;

/**
 * True when the password appears in a known breach, false when it does not,
 * undefined when the service could not say (unreachable, slow, an error, an
 * answer that is not a range list). Logs a warning without the password or its hash.
 */
export async function isPwnedPassword(password: string, { apiUrl, timeoutMs = DEFAULT_TIMEOUT_MS }: PwnedCheckOptions): Promise<boolean | undefined> {
  const { prefix, suffix } = rangeQuery(password);
  try {
    const response = await fetch(`${apiUrl}/range/${prefix}`, {
      headers: { "Add-Padding": "true" },
      signal: AbortSignal.timeout(timeoutMs),
      cache: "no-store",
    });
    if (!response.ok) {
      log.warn({ event: "pwned_passwords_unavailable", status: response.status }, "Breached-password check skipped: the range API answered with an error");
      return undefined;
    }
    const found = suffixInRange(await response.text(), suffix);
    if (found === undefined) log.warn({ event: "pwned_passwords_unavailable" }, "Breached-password check skipped: the range API's answer was not a range list");
    return found;
  } catch (error) {
    const reason = error instanceof Error ? error.name : "unknown";
    log.warn({ event: "pwned_passwords_unavailable", reason }, "Breached-password check skipped: the range API could not be reached, or not in time");
    return undefined;
  }
}
