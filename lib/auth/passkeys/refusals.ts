/**
 * How a passkey ceremony refuses: every refusal is `passkey_rejected` or
 * `invalid_challenge`, and a `passkey_failure` event once a ceremony of this
 * browser's was found: an answer to no ceremony (none, unknown, used or
 * expired) records nothing, so junk naming someone's credential ID cannot
 * fill their account's events.
 */
import "server-only";
import { recordAuthEvent } from "@/lib/auth/changes";
import { ApiError } from "@/lib/errors";
import type { ClientInfo } from "@/lib/request/client-info";

/** Whom a failure is recorded against, when known. */
export interface FailureSubject {
  userId?: string | null | undefined;
  username?: string | null | undefined;
}

/** Runs `work`; a refusal in it is recorded as a `passkey_failure` and passed on. */
export async function recordingFailures<T>(client: ClientInfo, subject: FailureSubject, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ApiError && (error.code === "passkey_rejected" || error.code === "invalid_challenge")) {
      await recordAuthEvent({ type: "passkey_failure", userId: subject.userId ?? null, username: subject.username ?? null, client });
    }
    throw error;
  }
}

export function rejected(): never {
  throw new ApiError("passkey_rejected");
}
