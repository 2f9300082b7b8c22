/**
 * One protocol for every auth change (lib/auth/changes.ts): the audit row in
 * the change's transaction, the log line after the commit, and the session
 * cache told what to forget. This test reads lib/ and app/ and fails when any
 * other module writes an AuthEvent row, writes the auth-event log line or
 * clears the session cache itself: a change that did would skip a step, and a
 * forgotten cache clear fails silently.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "@/tools/app-server";

const PROTOCOL = "lib/auth/changes.ts";

/** What only the protocol may do, and the files beside it that may touch the same names for another reason. */
const RULES: { what: string; pattern: RegExp; allowed: string[] }[] = [
  { what: "writes an AuthEvent row", pattern: /\bauthEvent\s*\.\s*(create|createMany|createManyAndReturn|update|updateMany|upsert)\b|INSERT\s+INTO\s+"?AuthEvent"?/, allowed: [PROTOCOL] },
  { what: "writes the auth-event log line", pattern: /["']auth_event["']/, allowed: [PROTOCOL] },
  { what: "takes the session cache's forget functions", pattern: /\bimport\b[^;]*\b(forgetUser|forgetSession)\b[^;]*from/, allowed: [PROTOCOL] },
  {
    what: "clears the session cache",
    pattern: /\.\s*(forgetUser|forgetSession)\s*\(/,
    // The cache's own holder, and the listener that applies other instances' notices.
    allowed: ["lib/auth/sessions/process-cache.ts", "lib/auth/sessions/notices.ts"],
  },
];

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(PROJECT_ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return relative === "lib/db/generated" ? [] : sourceFiles(relative);
    return /\.tsx?$/.test(entry.name) ? [relative] : [];
  });
}

export function breaches(file: string, source: string): string[] {
  return RULES.filter(({ pattern, allowed }) => !allowed.includes(file) && pattern.test(source)).map(({ what }) => `${file} ${what}`);
}

describe("the auth-change protocol", () => {
  it("is the only writer of audit rows and auth-event log lines, and the only one to clear the session cache", () => {
    const files = [...sourceFiles("lib"), ...sourceFiles("app")];
    expect(files.length).toBeGreaterThan(100);
    expect(files.flatMap((file) => breaches(file, readFileSync(path.join(PROJECT_ROOT, file), "utf8")))).toEqual([]);
  });

  it("would notice a change that skips it", () => {
    expect(breaches("lib/x.ts", "await tx.authEvent.create({ data });")).toEqual(["lib/x.ts writes an AuthEvent row"]);
    expect(breaches("lib/x.ts", 'await tx.$executeRaw`INSERT INTO "AuthEvent" ("type") VALUES (${type})`;')).toEqual(["lib/x.ts writes an AuthEvent row"]);
    expect(breaches("lib/x.ts", 'log.info({ event: type }, "auth_event");')).toEqual(["lib/x.ts writes the auth-event log line"]);
    expect(breaches("lib/x.ts", 'import { forgetUser } from "@/lib/auth/sessions/process-cache";')).toEqual(["lib/x.ts takes the session cache's forget functions"]);
    expect(breaches("lib/x.ts", "sessionCache()?.forgetSession(id);")).toEqual(["lib/x.ts clears the session cache"]);
    expect(breaches("lib/x.ts", "await db.authEvent.findMany({});")).toEqual([]);
  });
});
