/**
 * The split between the Edge middleware (pages) and the route wrapper (APIs):
 * the middleware's matcher leaves /api/ out, so every API route must get its
 * preflight, CSRF and token checks and headers from `handlers()`; a route
 * module that exported its functions any other way would answer without them.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { config } from "@/middleware";
import { PROJECT_ROOT } from "@/tools/app-server";

function routeModules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return routeModules(full);
    return entry.name === "route.ts" ? [full] : [];
  });
}

/** Next.js matches the pattern against the whole path. */
const matched = (pathname: string) => config.matcher.some((pattern) => new RegExp(`^${pattern}$`).test(pathname));

describe("API routes", () => {
  const modules = routeModules(path.join(PROJECT_ROOT, "app/api"));

  it("are all found, the catch-all included", () => {
    expect(modules.length).toBeGreaterThan(10);
    expect(modules.map((file) => path.relative(PROJECT_ROOT, file))).toContain("app/api/[...path]/route.ts");
  });

  it.each(modules.map((file) => [path.relative(PROJECT_ROOT, file), file]))("%s exports every method, the preflight included, from handlers()", (_name, file) => {
    const source = readFileSync(file, "utf8");
    expect(source).toMatch(/^export const \{ GET, POST, PUT, PATCH, DELETE, OPTIONS \} = handlers[<(]/m);
    // No handler of its own beside them: a bare `export async function HEAD` would skip the gate.
    expect(source).not.toMatch(/^export\s+(async\s+)?function\b|^export\s*\{|^export\b.*\bHEAD\b/m);
  });
});

describe("the middleware's matcher", () => {
  it.each(["/api/auth/me", "/api/health", "/api/no-such-route", "/_next/static/chunk.js"])("leaves %s to the route", (pathname) => {
    expect(matched(pathname)).toBe(false);
  });

  it.each(["/", "/login", "/dashboard", "/admin", "/api", "/API/auth/me", "/unavailable", "/.well-known/jwks.json"])("guards %s", (pathname) => {
    expect(matched(pathname)).toBe(true);
  });
});
