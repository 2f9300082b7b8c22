/**
 * A copy of this project whose middleware does nothing, built on its own, to compare
 * server CPU with and without our middleware.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/**
 * Copies the tracked files of `root` (as a fresh clone has them) plus the generated
 * Prisma client into a temporary directory; node_modules is hard-linked, because
 * Next.js's bundler refuses a node_modules symlink that leaves the project.
 */
export function emptyMiddlewareTree(root: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "tessera-bench-empty-middleware-"));
  const files = spawnSync("git", ["ls-files", "-z"], { cwd: root, encoding: "utf8" });
  if (files.status !== 0) throw new Error(`git ls-files failed: ${files.stderr}`);
  for (const file of files.stdout.split("\0").filter(Boolean)) {
    if (existsSync(path.join(root, file))) cpSync(path.join(root, file), path.join(dir, file));
  }
  cpSync(path.join(root, "lib/db/generated"), path.join(dir, "lib/db/generated"), { recursive: true });
  const link = spawnSync("cp", ["-al", path.join(root, "node_modules"), path.join(dir, "node_modules")], { encoding: "utf8" });
  if (link.status !== 0) throw new Error(`hard-linking node_modules failed: ${link.stderr}`);
  writeFileSync(
    path.join(dir, "middleware.ts"),
    [
      "// Bench-only: the same matcher as the product's middleware, and nothing else.",
      'import { NextResponse, type NextRequest } from "next/server";',
      "",
      "export function middleware(_request: NextRequest): Response {",
      "  return NextResponse.next();",
      "}",
      "",
      'export const config = { matcher: ["/((?!_next/static|_next/image|favicon.ico|images/).*)"] };',
      "",
    ].join("\n"),
  );
  return dir;
}
