/**
 * Recognises database failures that have a meaning for the client: a unique
 * violation is a 409, an unreachable or too-slow database is a 503.
 */
const UNAVAILABLE_PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
const UNAVAILABLE_NODE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "57P01", "57P03", "57014"]);
const UNAVAILABLE_ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TransactionAlreadyClosed"]);

interface ErrorLike {
  code?: unknown;
  name?: unknown;
  message?: unknown;
  kind?: unknown;
  cause?: unknown;
  meta?: unknown;
}

function* chain(error: unknown): Generator<ErrorLike> {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current && typeof current === "object"; depth++) {
    yield current as ErrorLike;
    current = (current as ErrorLike).cause;
  }
}

export function isUniqueViolation(error: unknown): boolean {
  for (const link of chain(error)) {
    if (link.code === "P2002" || link.code === "23505" || link.kind === "UniqueConstraintViolation") return true;
  }
  return false;
}

export function isDatabaseUnavailable(error: unknown): boolean {
  for (const link of chain(error)) {
    if (link.name === "PrismaClientInitializationError") return true;
    if (typeof link.code === "string" && (UNAVAILABLE_PRISMA_CODES.has(link.code) || UNAVAILABLE_NODE_CODES.has(link.code))) return true;
    if (typeof link.kind === "string" && UNAVAILABLE_ADAPTER_KINDS.has(link.kind)) return true;
    if (typeof link.message === "string" && /timeout|terminat|connect(ion)? (refused|closed|error)|Connection terminated/i.test(link.message)) return true;
  }
  return false;
}
