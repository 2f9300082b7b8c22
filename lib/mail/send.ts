/**
 * Outgoing mail: nodemailer to SMTP_URL, from MAIL_FROM, with links built from
 * APP_URL and never from a request's Host header (a forged Host would
 * otherwise put an attacker's site in a reset mail).
 *
 * Mail goes out after the response (`after()` from next/server), so no answer
 * waits on the mail server and none takes longer because an account exists.
 * A mail that cannot be sent is tried three times; if it still fails, that is
 * logged and recorded as a `mail_failed` auth event the admin page shows, and
 * the request's other effects stand.
 */
import "server-only";
import { after } from "next/server";
import nodemailer, { type Transporter } from "nodemailer";
import { db } from "@/lib/db/client";
import { config } from "@/lib/config";
import { ApiError } from "@/lib/errors";
import { recordAuthEvent } from "@/lib/auth/changes";
import { log } from "@/lib/log";

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** What a mail is about, for the log and the audit trail: never the address or the link. */
export interface MailContext {
  kind: string;
  userId: string;
}

/** Waits before the second and third attempt. */
const RETRY_DELAYS_MS = [1_000, 5_000];

/** Whether this server can send mail: SMTP_URL and APP_URL are both set. */
export function mailAvailable(): boolean {
  return config().mail !== undefined;
}

/** Refuses with 503 `email_unavailable` when mail cannot be sent. */
export function assertMailAvailable(): void {
  if (!mailAvailable()) throw new ApiError("email_unavailable");
}

/**
 * An absolute link into the app, from APP_URL. Without APP_URL there is no
 * trustworthy origin to put in a link: 503 `email_unavailable`.
 */
export function appLink(path: string, params: Record<string, string> = {}): string {
  const origin = config().appUrl;
  if (!origin) throw new ApiError("email_unavailable", "APP_URL is not set on this server, so it cannot build links.");
  const url = new URL(path, origin);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.toString();
}

let transporter: Transporter | undefined;

/** smtp://user:password@host:587 (STARTTLS when the server offers it) or smtps://host:465 (TLS from the start). */
function transport(smtpUrl: string): Transporter {
  if (transporter) return transporter;
  const url = new URL(smtpUrl);
  const secure = url.protocol === "smtps:";
  transporter = nodemailer.createTransport({
    host: url.hostname.replace(/^\[(.*)\]$/, "$1"),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    ...(url.username ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  return transporter;
}

/** SMTP errors can quote the recipient; the log keeps only their codes. */
function describe(error: unknown): { code?: string; responseCode?: number } {
  if (typeof error !== "object" || error === null) return {};
  const { code, responseCode } = error as { code?: unknown; responseCode?: unknown };
  return { ...(typeof code === "string" ? { code } : {}), ...(typeof responseCode === "number" ? { responseCode } : {}) };
}

/** Sends one mail, retrying; true once the server accepted it, false (logged and recorded) if it never did. */
export async function deliver(mail: Mail, context: MailContext): Promise<boolean> {
  const settings = config().mail;
  if (!settings) return false;
  for (let attempt = 1; ; attempt++) {
    try {
      await transport(settings.smtpUrl).sendMail({ from: settings.from, ...mail });
      log.info({ event: "mail_sent", kind: context.kind, userId: context.userId, attempt }, "mail");
      return true;
    } catch (error) {
      const delay = RETRY_DELAYS_MS[attempt - 1];
      log.warn({ event: "mail_failed", kind: context.kind, userId: context.userId, attempt, final: delay === undefined, ...describe(error) }, "mail");
      if (delay === undefined) break;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
  await recordMailFailure(context.userId).catch(() => undefined);
  return false;
}

/** The audit trail's `mail_failed`, named by the account's username so the admin page shows whose mail it was. */
async function recordMailFailure(userId: string): Promise<void> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { username: true } });
  await recordAuthEvent({ type: "mail_failed", userId, username: user?.username ?? null }, { loggedBy: "the mailer's own mail_failed line" });
}

/** Sends after the response has gone: `work` builds the mail (or decides there is none) and its failure is only logged. */
export function sendLater(work: () => Promise<void>): void {
  after(async () => {
    try {
      await work();
    } catch (error) {
      log.error({ event: "mail_failed", err: error instanceof Error ? error.message : String(error) }, "mail");
    }
  });
}
