/**
 * Recognises database failures that have a meaning for the client: a unique
 * violation is a 409, an unreachable or too-slow database is a 503, a row
 * that a write needed and found gone is the caller's to name.
 *
 * Prisma wraps what the `pg` driver reports: the SQLSTATE or the adapter's
 * error kind may sit on the error itself, down its `cause` chain, or in
 * `meta.driverAdapterError`, so every one of those places is looked at.
 */
/** Can't reach, timed out, closed; pool timeout; a transaction that could not start or ran out of time. */
const UNAVAILABLE_PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2028"]);
/** Socket errors of the driver. */
const UNAVAILABLE_NODE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENOTFOUND"]);
/**
 * SQLSTATEs: class 08 (connection exception); 57P01–57P03 (shutting down,
 * crashed, starting up); 57014 (statement_timeout); 53300 (too many connections).
 */
const UNAVAILABLE_SQLSTATE = /^(08[0-9A-Z]{3}|57P0[1-3]|57014|53300)$/;
const UNAVAILABLE_ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TransactionAlreadyClosed", "TooManyConnections"]);
const UNAVAILABLE_MESSAGE = /timeout|timed out|terminat|can't reach database|connect(ion)? (refused|closed|error)/i;

interface ErrorLike {
  code?: unknown;
  name?: unknown;
  message?: unknown;
  kind?: unknown;
  cause?: unknown;
  meta?: { driverAdapterError?: unknown };
}

/** The error and everything it wraps, breadth-first, bounded against cycles. */
function* chain(error: unknown): Generator<ErrorLike> {
  const queue: unknown[] = [error];
  for (let seen = 0; queue.length > 0 && seen < 12; seen++) {
    const current = queue.shift();
    if (!current || typeof current !== "object") continue;
    const link = current as ErrorLike;
    yield link;
    queue.push(link.cause, link.meta?.driverAdapterError);
  }
}

export function isUniqueViolation(error: unknown): boolean {
  for (const link of chain(error)) {
    if (link.code === "P2002" || link.code === "23505" || link.kind === "UniqueConstraintViolation") return true;
  }
  return false;
}

/** A `delete` or `update` of one row that is not there (any more), e.g. taken by a concurrent request. */
export function isMissingRecord(error: unknown): boolean {
  for (const link of chain(error)) {
    if (link.code === "P2025") return true;
  }
  return false;
}

export function isDatabaseUnavailable(error: unknown): boolean {
  for (const link of chain(error)) {
    if (link.name === "PrismaClientInitializationError") return true;
    if (typeof link.code === "string") {
      if (UNAVAILABLE_PRISMA_CODES.has(link.code) || UNAVAILABLE_NODE_CODES.has(link.code) || UNAVAILABLE_SQLSTATE.test(link.code)) return true;
    }
    if (typeof link.kind === "string" && UNAVAILABLE_ADAPTER_KINDS.has(link.kind)) return true;
    if (typeof link.message === "string" && UNAVAILABLE_MESSAGE.test(link.message)) return true;
  }
  return false;
}

/** An `update` or `delete` whose `where` matched no row (P2025): the row is gone or no longer in the state it was read in. */
export function isRecordMissing(error: unknown): boolean {
  for (const link of chain(error)) {
    if (link.code === "P2025") return true;
  }
  return false;
}
