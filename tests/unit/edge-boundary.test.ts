/**
 * The Edge boundary: the middleware runs on the Edge runtime, where Prisma, pg,
 * bcrypt and Node's built-ins do not exist. Everything it may import lives in
 * lib/edge/, beside the configuration (with the key settings' format it checks) and
 * the API error type it shares with the server (lib/config.ts,
 * lib/key-format.ts, lib/errors.ts); this test follows every import
 * reachable from middleware.ts and fails on anything else, before a build or a
 * deploy would.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "@/tools/app-server";

/** The files outside lib/edge/ that are Edge-safe by design. */
const EDGE_SAFE_FILES = new Set(["lib/config.ts", "lib/key-format.ts", "lib/errors.ts"]);

/** Packages that run on the Edge runtime (@noble/hashes is plain JavaScript, no Node built-ins). */
const EDGE_PACKAGES = new Set(["next/server", "jose", "zod", "@noble/hashes/sha2.js"]);

/** The module specifiers of a file's runtime imports and re-exports (type-only imports are erased). */
export function runtimeImports(source: string): string[] {
  const specifiers: string[] = [];
  const statement = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?["']([^"']+)["']/gm;
  for (const [, , typeOnly, specifier] of source.matchAll(statement)) if (!typeOnly) specifiers.push(specifier!);
  for (const [, specifier] of source.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) specifiers.push(specifier!);
  return specifiers;
}

function resolveLocal(from: string, specifier: string): string | null {
  const base = specifier.startsWith("@/") ? path.join(PROJECT_ROOT, specifier.slice(2)) : specifier.startsWith(".") ? path.resolve(path.dirname(from), specifier) : null;
  if (!base) return null;
  const file = ["", ".ts", ".tsx", ".js", "/index.ts"].map((ending) => base + ending).find((candidate) => existsSync(candidate) && !candidate.endsWith("/"));
  if (!file) throw new Error(`${path.relative(PROJECT_ROOT, from)} imports ${specifier}, which does not resolve`);
  return file;
}

/** Every local file reachable from `entry`, and every package it imports, each with who imports it. */
function reachable(entry: string): { files: Map<string, string>; packages: Map<string, string> } {
  const files = new Map<string, string>([[entry, "(entry)"]]);
  const packages = new Map<string, string>();
  const queue = [entry];
  for (let file = queue.shift(); file; file = queue.shift()) {
    for (const specifier of runtimeImports(readFileSync(file, "utf8"))) {
      const local = resolveLocal(file, specifier);
      const importer = path.relative(PROJECT_ROOT, file);
      if (!local) packages.set(specifier, importer);
      else if (!files.has(local)) {
        files.set(local, importer);
        queue.push(local);
      }
    }
  }
  return { files, packages };
}

describe("the Edge boundary", () => {
  const { files, packages } = reachable(path.join(PROJECT_ROOT, "middleware.ts"));

  it("reaches only lib/edge/, lib/config.ts, lib/key-format.ts and lib/errors.ts from middleware.ts", () => {
    const outside = [...files]
      .map(([file, importer]) => [path.relative(PROJECT_ROOT, file), importer] as const)
      .filter(([file]) => file !== "middleware.ts" && !file.startsWith("lib/edge/") && !EDGE_SAFE_FILES.has(file))
      .map(([file, importer]) => `${file} (imported by ${importer})`);
    expect(outside).toEqual([]);
    expect(files.size).toBeGreaterThan(5);
  });

  it("imports no server-only package: no Prisma, pg, bcrypt, node: built-ins or server-only", () => {
    const foreign = [...packages].filter(([name]) => !EDGE_PACKAGES.has(name)).map(([name, importer]) => `${name} (imported by ${importer})`);
    expect(foreign).toEqual([]);
  });

  it("would notice a server-only import: the reader sees runtime imports and skips type-only ones", () => {
    const source = [
      'import "server-only";',
      'import { db } from "@/lib/db/client";',
      'import type { Config } from "@/lib/config";',
      'export { hash } from "bcryptjs";',
      'const fs = await import("node:fs");',
    ].join("\n");
    expect(runtimeImports(source)).toEqual(["server-only", "@/lib/db/client", "bcryptjs", "node:fs"]);
  });
});
