/**
 * Abuse limits (docs/security.md#abuse-limits), counted in the database so that every app
 * instance shares them.
 *
 * Per client address: every sign-in, token and register attempt counts. An
 * IPv6 client counts by its /64 and an IPv4-mapped address as the IPv4 one
 * (`clientAddressKey`), so rotating addresses does not buy more attempts.
 *
 * Per client address, apart: every call to the passkey sign-in routes (options
 * and verify, whatever the purpose), RATE_LIMIT_PER_IP of them in the window.
 * They answer anyone, and each options call stores a challenge; counted on a
 * key of their own, so the sign-in page's passkey autofill, which asks for
 * options on every visit, uses up no password attempts. Likewise, on a key of
 * their own, every start and callback of a sign-in with a provider.
 *
 * Per username: at most RATE_LIMIT_PER_USERNAME password checks may fail in the
 * window; after that even the right password is refused until the window
 * passes, and a right password clears the count. The slot for a check is
 * reserved before the bcrypt compare, by one statement that counts and decides,
 * and kept if the password was wrong. Counting failures only after the compare
 * let parallel requests all pass the check before any failure was counted: 24
 * guesses sent at once were all checked. The price: more than
 * RATE_LIMIT_PER_USERNAME sign-ins to one account at the same instant see the
 * surplus refused until one of them succeeds, since a check in flight may yet
 * fail. Every way to present a password counts here: the sign-in routes and
 * form, and `currentPassword` on a password change, which a stolen access token
 * could otherwise use to guess without limit.
 *
 * Per trusted device: a browser that signed in to the account before
 * (lib/auth/sign-in/trusted-devices.ts) is counted against an allowance of its own,
 * the same size, instead of the username's. An attacker who exhausts the
 * username's allowance keeps out every other client, not the account's owner;
 * and the owner's sign-ins leave the attacker's lockout in place.
 *
 * Mail to an address not yet confirmed (lib/mail/verification.ts): each one
 * counts against its account's allowance and its client address's, so nobody
 * makes the app mail an address, anyone's, again and again.
 *
 * Why not a limiter library with a PostgreSQL store: it would open a second
 * connection pool beside Prisma's, with its own settings, timeouts and failure
 * modes, for what one atomic upsert through Prisma does.
 */
import "server-only";
import { db } from "@/lib/db/client";
import { config } from "@/lib/config";
import { recordAuthEvent } from "@/lib/auth/changes";
import { ApiError } from "@/lib/errors";
import { clientAddressKey, type ClientInfo } from "@/lib/request/client-info";

/** An attempt counted in its key's window. */
export interface Counted {
  /** Within the limit: go ahead. */
  allowed: boolean;
  /** The window's first attempt past the limit: the one refusal worth recording. */
  firstRefusal: boolean;
  /** When the window began; it ends `windowSeconds` later. */
  windowStart: Date;
}

/**
 * Counts one attempt in `key`'s window (a new window once the old one has
 * passed) and says whether it is within `limit`. Counting and deciding are one
 * statement: the row lock makes concurrent attempts queue, and each sees the
 * count the previous one left, so no number of parallel requests gets past.
 * Refused attempts are counted too, so that only the first refusal of a window
 * is recorded, however many requests a flood sends: one event, not one
 * database write per refused request.
 */
async function countAttempt(key: string, limit: number, windowSeconds: number, now: Date): Promise<Counted> {
  const cutoff = new Date(now.getTime() - windowSeconds * 1000);
  const [row] = await db.$queryRaw<{ count: number; windowStart: Date }[]>`
    INSERT INTO "RateLimit" ("key", "count", "windowStart") VALUES (${key}, 1, ${now}::timestamp(3))
    ON CONFLICT ("key") DO UPDATE SET
      "count" = CASE WHEN "RateLimit"."windowStart" <= ${cutoff}::timestamp(3) THEN 1 ELSE "RateLimit"."count" + 1 END,
      "windowStart" = CASE WHEN "RateLimit"."windowStart" <= ${cutoff}::timestamp(3) THEN ${now}::timestamp(3) ELSE "RateLimit"."windowStart" END
    RETURNING "count", "windowStart"`;
  const { count, windowStart } = row!;
  return { allowed: count <= limit, firstRefusal: count === limit + 1, windowStart };
}

/**
 * Counts an attempt against `key`'s allowance of `limit` in the current
 * window; past it, 429 `rate_limited` with Retry-After (the
 * seconds until the window passes), and a `rate_limited` event for the
 * window's first refusal.
 */
export async function guardAllowance(key: string, limit: number, username: string | null, client: ClientInfo, now = new Date()): Promise<void> {
  const { windowSeconds } = config().rateLimits;
  const counted = await countAttempt(key, limit, windowSeconds, now);
  if (counted.allowed) return;
  if (counted.firstRefusal) await recordAuthEvent({ type: "rate_limited", username, client });
  const retryAfter = Math.max(1, Math.ceil((counted.windowStart.getTime() + windowSeconds * 1000 - now.getTime()) / 1000));
  throw new ApiError("rate_limited", undefined, { headers: { "retry-after": String(retryAfter) } });
}

/** Counts a sign-in, token or register attempt against the client's address; refuses past RATE_LIMIT_PER_IP. */
export async function guardClientAddress(client: ClientInfo, username: string | null, now = new Date()): Promise<void> {
  await guardAllowance(`ip:${clientAddressKey(client.ip)}`, config().rateLimits.perIp, username, client, now);
}

/** Counts a call to the passkey sign-in routes against the client's address; refuses past RATE_LIMIT_PER_IP. */
export async function guardPasskeyCalls(client: ClientInfo, now = new Date()): Promise<void> {
  await guardAllowance(`passkey-ip:${clientAddressKey(client.ip)}`, config().rateLimits.perIp, null, client, now);
}

/** Counts a start or callback of a sign-in with a provider against the client's address; refuses past RATE_LIMIT_PER_IP. */
export async function guardFederationCalls(client: ClientInfo, now = new Date()): Promise<void> {
  await guardAllowance(`oauth-ip:${clientAddressKey(client.ip)}`, config().rateLimits.perIp, null, client, now);
}

/**
 * Counts an attempt against `key`'s allowance of `limit` in the current
 * window, and answers without refusing. For limits that must not answer 429,
 * because the refusal itself would tell something: a reset mail not sent for
 * an account that asked too often looks, from outside, like an account that
 * does not exist.
 */
export async function withinAllowance(key: string, limit: number, now = new Date()): Promise<Counted> {
  return countAttempt(key, limit, config().rateLimits.windowSeconds, now);
}

/** Mails to unconfirmed addresses per account, and per client address, in each window. */
const ADDRESS_MAILS_PER_ACCOUNT = 5;
const ADDRESS_MAILS_PER_IP = 20;

/**
 * Counts one mail to an unconfirmed address for `account`, asked for by
 * `client`: a registration with an address, an address change or a link sent
 * again. 429 `rate_limited` with Retry-After once the client address or the
 * account has used up its allowance.
 */
export async function guardAddressMail(account: { id: string; username: string }, client: ClientInfo): Promise<void> {
  await guardAllowance(`address-mail-ip:${clientAddressKey(client.ip)}`, ADDRESS_MAILS_PER_IP, account.username, client);
  await guardAllowance(`address-mail:${account.id}`, ADDRESS_MAILS_PER_ACCOUNT, account.username, client);
}

/** A reserved password check; call `passed` when the password was right. */
export interface PasswordCheckSlot {
  passed(): Promise<void>;
}

/**
 * Reserves one password check for `username`, or for the trusted device
 * `deviceId` presented with it, before any bcrypt work; refuses with 429 once
 * the allowance is used up. The slot stays taken (a failure) unless `passed`.
 */
export async function reservePasswordCheck(
  username: string,
  deviceId: string | null,
  client: ClientInfo,
  now = new Date(),
): Promise<PasswordCheckSlot> {
  await guardAllowance(passwordCheckKey(username, deviceId), config().rateLimits.perUsername, username, client, now);
  return { passed: () => clearPasswordChecks(username, deviceId) };
}

function passwordCheckKey(username: string, deviceId: string | null): string {
  return deviceId ? `device:${deviceId}` : `user:${username}`;
}

/** Clears the count `reservePasswordCheck` keeps: the user proved who they are (a right password, or a sign-in completed). */
export async function clearPasswordChecks(username: string, deviceId: string | null): Promise<void> {
  await db.rateLimit.deleteMany({ where: { key: passwordCheckKey(username, deviceId) } });
}
