/**
 * The database password (the embedded server's random one, or DATABASE_URL's)
 * appears nowhere in the server's output: the launcher names its database with
 * the password masked.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { databaseUrl } from "../support/database";

const logFile = process.env.TESSERA_SERVER_LOG;
const text = logFile ? readFileSync(logFile, "utf8") : "";

describe("the server's log after the whole test run", () => {
  it("names its database without the password", () => {
    expect(text).toContain("[tessera] Data: ");
    // A connection URL with anything but the mask where the password goes.
    expect(text).not.toMatch(/postgres(ql)?:\/\/[^:/@\s]+:(?!\*\*\*@)[^@\s]+@/);
    const password = decodeURIComponent(new URL(databaseUrl()).password);
    if (password) expect(text).not.toContain(password);
  });
});
