/**
 * The bench's own copy of this project, built on its own: its middleware does nothing
 * (to compare server CPU with and without ours), and it adds one route that ships
 * nowhere else, a reference signed-in route (REFERENCE_ROUTE) to compare
 * /api/auth/me with. API routes do not pass through the middleware (the product's
 * matcher leaves /api/ out, and the copy keeps that matcher), so /api/auth/me runs
 * the same code in the copy as in the product.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { temporaryDir } from "@/tools/app-server";

/** Where the reference route answers in the bench's copy. */
export const REFERENCE_ROUTE = "/api/bench-reference";

/**
 * What a typical signed-in route of a Next.js starter does (nextjs/saas-starter's
 * `getUser()` behind its API routes): one jose `jwtVerify` of the session cookie (or a
 * Bearer token) with the HMAC secret, one indexed query for the user by id, the user
 * as JSON. No session row, no token cache, no route wrapper.
 */
const REFERENCE_SOURCE = `// Bench-only reference route: one jwtVerify and one user-by-id query.
import { jwtVerify } from "jose";
import { db } from "@/lib/db/client";

const key = new TextEncoder().encode(process.env.JWT_SECRET ?? "");

function tokenOf(request: Request): string | undefined {
  const bearer = request.headers.get("authorization")?.match(/^Bearer (.+)$/)?.[1];
  if (bearer) return bearer;
  const cookie = (request.headers.get("cookie") ?? "").split(/;\\s*/).find((pair) => /^(__Host-|__Secure-)?tessera_session=/.test(pair));
  return cookie?.slice(cookie.indexOf("=") + 1);
}

export async function GET(request: Request): Promise<Response> {
  const token = tokenOf(request);
  if (!token) return Response.json({ error: "unauthorized" }, { status: 401 });
  let sub: string | undefined;
  try {
    sub = (await jwtVerify(token, key, { algorithms: ["HS256"] })).payload.sub;
  } catch {
    return Response.json({ error: "unauthorized" }, { status: 401 });
  }
  const user = sub ? await db.user.findUnique({ where: { id: sub }, select: { id: true, username: true, name: true, role: true } }) : null;
  if (!user) return Response.json({ error: "unauthorized" }, { status: 401 });
  return Response.json({ user });
}
`;

/** The product middleware's `export const config = { … };`, so the copy's middleware runs on exactly the same paths. */
function productMatcher(root: string): string {
  const source = readFileSync(path.join(root, "middleware.ts"), "utf8");
  const config = source.match(/^export const config = \{[\s\S]*?^\};$/m)?.[0];
  if (!config) throw new Error("middleware.ts has no `export const config = { … };` block to copy");
  return config;
}

/**
 * Copies the tracked files of `root` (as a fresh clone has them) plus the generated
 * Prisma client into a temporary directory; node_modules is hard-linked, because
 * Next.js's bundler refuses a node_modules symlink that leaves the project. Then
 * swaps in the empty middleware and adds the reference route.
 */
export function benchTree(root: string): string {
  // Enterable by the embedded PostgreSQL's system user, which runs the binaries under node_modules.
  const dir = temporaryDir("tessera-bench-tree-");
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
      productMatcher(root),
      "",
    ].join("\n"),
  );
  const routeDir = path.join(dir, "app", ...REFERENCE_ROUTE.split("/").filter(Boolean));
  mkdirSync(routeDir, { recursive: true });
  writeFileSync(path.join(routeDir, "route.ts"), REFERENCE_SOURCE);
  return dir;
}
