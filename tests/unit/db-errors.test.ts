import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable, isMissingRecord, isUniqueViolation } from "@/lib/db/errors";

/** Shaped like what Prisma 7 with @prisma/adapter-pg throws (taken from the server's log during an outage). */
function prismaError(code: string, cause: Record<string, unknown>): Error {
  return Object.assign(new Error("Invalid `prisma.session.findUnique()` invocation"), {
    name: "PrismaClientKnownRequestError",
    code,
    meta: { modelName: "Session", driverAdapterError: { name: "DriverAdapterError", cause } },
  });
}

describe("isDatabaseUnavailable", () => {
  it.each([
    ["a server shutting down (57P03)", prismaError("P2039", { kind: "postgres", code: "57P03", message: "the database system is shutting down" })],
    ["an administrator's shutdown (57P01)", prismaError("P2039", { kind: "postgres", code: "57P01", message: "terminating connection" })],
    ["a statement timeout (57014)", prismaError("P2039", { kind: "postgres", code: "57014", message: "canceling statement" })],
    ["a connection failure (08006)", prismaError("P2039", { kind: "postgres", code: "08006", message: "connection failure" })],
    ["an unreachable server", prismaError("P2010", { kind: "DatabaseNotReachable", host: "127.0.0.1", port: 5432 })],
    ["a closed connection", prismaError("P2010", { kind: "ConnectionClosed" })],
    ["too many connections", prismaError("P2010", { kind: "TooManyConnections", cause: "53300" })],
    ["a refused socket, as a cause", new Error("query failed", { cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }) })],
    ["the pool's wait for a connection", new Error("timeout exceeded when trying to connect")],
    ["a transaction that could not start in time (P2028)", Object.assign(new Error("Transaction API error: Unable to start a transaction in the given time."), { code: "P2028" })],
    ["a client-side query timeout", new Error("Query read timeout")],
  ])("recognises %s", (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ["a unique violation", prismaError("P2002", { kind: "UniqueConstraintViolation" })],
    ["a syntax error (42601)", prismaError("P2010", { kind: "postgres", code: "42601", message: "syntax error" })],
    ["a plain bug", new TypeError("Cannot read properties of undefined")],
    ["a thrown string", "boom"],
  ])("does not take %s for an outage", (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });

  it("stops on a cause cycle", () => {
    const error: Error & { cause?: unknown } = new Error("loop");
    error.cause = error;
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});

describe("isUniqueViolation", () => {
  it("recognises the adapter's kind and the SQLSTATE", () => {
    expect(isUniqueViolation(prismaError("P2002", { kind: "UniqueConstraintViolation" }))).toBe(true);
    expect(isUniqueViolation(prismaError("P2010", { kind: "postgres", code: "23505" }))).toBe(true);
    expect(isUniqueViolation(new Error("other"))).toBe(false);
  });
});

describe("isMissingRecord", () => {
  it("recognises a delete of a row that is gone, and nothing else", () => {
    // What a batch transaction throws when its `delete` finds no row (a link used up by a concurrent request).
    expect(isMissingRecord(Object.assign(new Error("No record was found for a delete."), { name: "PrismaClientKnownRequestError", code: "P2025" }))).toBe(true);
    expect(isMissingRecord(prismaError("P2002", { kind: "UniqueConstraintViolation" }))).toBe(false);
    expect(isMissingRecord(new Error("other"))).toBe(false);
  });
});
