/**
 * Reading the mail the app sent, in tests: `npm test` points the app's SMTP_URL
 * at a mail catcher (tools/mail-catcher.ts) and gives the tests its address as
 * TESSERA_MAIL_URL. Addresses match case-insensitively; lists are newest first.
 */
import type { CaughtMail } from "@/tools/mail-catcher";
import { eventually } from "./eventually";
import { uniqueName } from "@/tools/http-client";

export type { CaughtMail };

function mailUrl(): string {
  const url = process.env.TESSERA_MAIL_URL;
  if (!url) throw new Error("TESSERA_MAIL_URL is not set: run the tests through `npm test`, which starts the mail catcher.");
  return url.replace(/\/+$/, "");
}

/** An address no other test run has used, at a domain that is never delivered anywhere but the test's mail catcher. */
export function uniqueAddress(prefix: string): string {
  return `${uniqueName(prefix)}@example.test`;
}

/** The mails delivered to `address`, newest first (the catcher filters: the whole inbox is up to 200 mails). */
export async function mailsTo(address: string): Promise<CaughtMail[]> {
  const query = `?${new URLSearchParams({ to: address })}`;
  const response = await fetch(`${mailUrl()}/messages.json${query}`);
  if (!response.ok) throw new Error(`mail catcher: GET /messages.json${query} answered ${response.status}`);
  return (await response.json()) as CaughtMail[];
}

/** Empties the catcher's inbox. */
export async function clearMail(): Promise<void> {
  const response = await fetch(`${mailUrl()}/messages`, { method: "DELETE" });
  if (!response.ok) throw new Error(`mail catcher: DELETE /messages answered ${response.status}`);
}

export interface MailQuery {
  /** The subject must match. */
  subject?: RegExp;
  /** Only mail received at or after this moment, e.g. a Date taken just before the request that sends it. */
  after?: Date;
  /** 15 s by default: the app sends after its response, and retries a failed send. */
  timeoutMs?: number;
}

/** Waits for a mail to `address` matching the query and returns the newest such mail. */
export async function waitForMail(address: string, { subject, after, timeoutMs = 15_000 }: MailQuery = {}): Promise<CaughtMail> {
  let found: CaughtMail | undefined;
  let seen: CaughtMail[] = [];
  try {
    await eventually(
      `a mail to ${address}`,
      async () => {
        seen = await mailsTo(address);
        found = seen.find((mail) => (!subject || subject.test(mail.subject)) && (!after || Date.parse(mail.date) >= after.getTime()));
        return found !== undefined;
      },
      { withinMs: timeoutMs, everyMs: 100 },
    );
  } catch (error) {
    const subjects = seen.map((mail) => `"${mail.subject}" (${mail.date})`).join(", ") || "none";
    throw new Error(`${error instanceof Error ? error.message : String(error)}${subject ? ` with a subject matching ${subject}` : ""}; mails to it: ${subjects}`);
  }
  return found!;
}

/**
 * The first URL in the mail's text whose path starts with `path` (e.g.
 * `/reset-password`), in full with its query; fails if the mail has none.
 */
export function linkIn(mail: CaughtMail, path: string): string {
  for (const [candidate] of mail.text.matchAll(/https?:\/\/[^\s<>"']+/g)) {
    const url = candidate.replace(/[.,;:!?)\]]+$/, "");
    if (new URL(url).pathname.startsWith(path)) return url;
  }
  throw new Error(`no link to ${path} in the mail "${mail.subject}":\n${mail.text}`);
}

/** Mail to one address kept back at the catcher's SMTP server: see `holdMail`. */
export interface HeldMail {
  /** How many senders the catcher keeps waiting for the address. */
  waiting(): Promise<number>;
  /** Lets them go on; the mail arrives as usual. */
  release(): Promise<void>;
}

/**
 * Makes the mail catcher keep any sender of a mail to `address` waiting at RCPT
 * TO until `release()`: whatever waits for that mail waits with it.
 */
export async function holdMail(address: string): Promise<HeldMail> {
  const url = `${mailUrl()}/holds/${encodeURIComponent(address)}`;
  const ask = async (method: string): Promise<Response> => {
    const response = await fetch(url, { method });
    if (!response.ok) throw new Error(`mail catcher: ${method} /holds/… answered ${response.status}`);
    return response;
  };
  await ask("PUT");
  return {
    waiting: async () => ((await (await ask("GET")).json()) as { waiting: number }).waiting,
    release: async () => void (await ask("DELETE")),
  };
}
