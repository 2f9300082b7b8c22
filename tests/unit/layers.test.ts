/**
 * The floor plan of lib/: every module sits on a layer, and imports only from
 * its own layer or those below it, with no import circle anywhere. A request
 * travels down: the route or action (app/ with lib/http's adapters) → one use
 * case (lib/use-cases/) → the concepts (lib/auth/, lib/mail/, lib/users/…) →
 * the database (lib/db/), on a floor of configuration, errors and the
 * Edge-safe code. The folders below the use cases never call up. Type-only
 * imports count too: a type that points up is a dependency that points up.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "@/tools/app-server";

/** Lowest first. A file takes the layer of the longest prefix that names it. */
const LAYERS: { name: string; paths: string[] }[] = [
  { name: "ground", paths: ["lib/config.ts", "lib/process-wide.ts", "lib/key-format.ts", "lib/errors.ts", "lib/log.ts", "lib/format.ts", "lib/schemas.ts", "lib/next-path.ts", "lib/edge/"] },
  { name: "database", paths: ["lib/db/"] },
  { name: "request facts", paths: ["lib/request/"] },
  { name: "users", paths: ["lib/users/"] },
  { name: "organizations", paths: ["lib/orgs/"] },
  { name: "auth", paths: ["lib/auth/"] },
  { name: "services", paths: ["lib/mail/", "lib/posts/", "lib/maintenance/"] },
  { name: "use cases", paths: ["lib/use-cases/"] },
  { name: "adapters", paths: ["lib/http/", "lib/startup.ts"] },
];

export function layerOf(file: string): number {
  let best = { rank: -1, length: -1 };
  LAYERS.forEach(({ paths }, rank) => {
    for (const prefix of paths) {
      if ((file === prefix || (prefix.endsWith("/") && file.startsWith(prefix))) && prefix.length > best.length) best = { rank, length: prefix.length };
    }
  });
  return best.rank;
}

/** Every module specifier a file imports or re-exports, type-only ones included. */
export function allImports(source: string): string[] {
  const specifiers: string[] = [];
  for (const [, specifier] of source.matchAll(/^\s*(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?["']([^"']+)["']/gm)) specifiers.push(specifier!);
  for (const [, specifier] of source.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) specifiers.push(specifier!);
  return specifiers;
}

function libFiles(dir = "lib"): string[] {
  return readdirSync(path.join(PROJECT_ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return relative === "lib/db/generated" ? [] : libFiles(relative);
    return /\.tsx?$/.test(entry.name) ? [relative] : [];
  });
}

/** The lib/ file a specifier names, or null for a package or a file outside lib/ (or generated). */
function resolve(from: string, specifier: string): string | null {
  const base = specifier.startsWith("@/") ? specifier.slice(2) : specifier.startsWith(".") ? path.join(path.dirname(from), specifier) : null;
  if (!base || !base.startsWith("lib/") || base.startsWith("lib/db/generated/")) return null;
  const file = ["", ".ts", ".tsx", "/index.ts"].map((ending) => base + ending).find((candidate) => existsSync(path.join(PROJECT_ROOT, candidate)) && /\.tsx?$/.test(candidate));
  if (!file) throw new Error(`${from} imports ${specifier}, which does not resolve`);
  return file;
}

function importGraph(): Map<string, string[]> {
  return new Map(libFiles().map((file) => [file, allImports(readFileSync(path.join(PROJECT_ROOT, file), "utf8")).flatMap((specifier) => resolve(file, specifier) ?? [])]));
}

/** The import circles of `graph`, each as the files along it (first file repeated at the end). */
export function circles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const trail: string[] = [];
  const visit = (file: string): void => {
    state.set(file, "open");
    trail.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === "open") found.push([...trail.slice(trail.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    trail.pop();
    state.set(file, "done");
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return found;
}

describe("the layers of lib/", () => {
  const graph = importGraph();

  it("places every lib/ file on a layer", () => {
    expect([...graph.keys()].filter((file) => layerOf(file) < 0)).toEqual([]);
    expect(graph.size).toBeGreaterThan(50);
  });

  it("has no import that runs up a layer", () => {
    const upward = [...graph].flatMap(([file, imports]) =>
      imports.filter((target) => layerOf(target) > layerOf(file)).map((target) => `${file} (${LAYERS[layerOf(file)]!.name}) imports ${target} (${LAYERS[layerOf(target)]!.name})`),
    );
    expect(upward).toEqual([]);
  });

  it("has no import circle", () => {
    expect(circles(graph).map((circle) => circle.join(" -> "))).toEqual([]);
  });

  it("would notice an upward import and a circle", () => {
    expect(layerOf("lib/auth/sessions/list.ts")).toBeLessThan(layerOf("lib/use-cases/users.ts"));
    expect(layerOf("lib/http/route.ts")).toBeGreaterThan(layerOf("lib/request/client-info.ts"));
    // The data-access layer reads memberships: organizations sit below auth, above users.
    expect(layerOf("lib/orgs/roles.ts")).toBeLessThan(layerOf("lib/auth/dal.ts"));
    expect(layerOf("lib/orgs/roles.ts")).toBeGreaterThan(layerOf("lib/users/access.ts"));
    expect(allImports('import type { A } from "@/lib/a";\nexport { b } from "./b";\nconst c = await import("@/lib/c");')).toEqual(["@/lib/a", "./b", "@/lib/c"]);
    const looped = new Map([
      ["a", ["b"]],
      ["b", ["c"]],
      ["c", ["a"]],
      ["d", ["a"]],
    ]);
    expect(circles(looped)).toEqual([["a", "b", "c", "a"]]);
  });
});
