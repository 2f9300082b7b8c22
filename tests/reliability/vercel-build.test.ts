/**
 * What a Vercel deploy would ship. `vercel build` (the CLI pinned in
 * devDependencies; offline, telemetry off) runs on a throwaway copy of the project,
 * with recognisable random values for the build's secrets, and writes the Build
 * Output (`.vercel/output`). The checks: the middleware is an Edge function within
 * the Edge size limit; every page and route handler under app/ is a Node.js
 * function; the sign-in functions' file maps hold what bcrypt's worker threads,
 * Prisma's client and the pg adapter load at run time, and the sign-in function,
 * laid out from its file map alone, signs a user in on PostgreSQL; no secret of
 * the build environment appears in anything the deploy would upload.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { copyFileSync, cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations } from "@/scripts/migrate";
import { PROJECT_ROOT, temporaryDir } from "@/tools/app-server";
import { httpClient } from "@/tools/http-client";
import { PostgresServer } from "@/tools/postgres-server";
import { signalAll } from "@/tools/processes";
import { freePort } from "@/tools/free-port";
import { eventually } from "@/tests/support/eventually";

/** Vercel's limits: an Edge function's code after gzip (Hobby plan), a Node.js function unzipped. */
const EDGE_LIMIT_GZIP_BYTES = 1024 * 1024;
const NODE_LIMIT_BYTES = 250 * 1024 * 1024;

/** The functions that check a password: the JSON sign-in route and the /login page, whose server action signs in. */
const SIGN_IN_FUNCTIONS = ["api/auth/login", "login"];

interface FunctionConfig {
  runtime: string;
  handler?: string;
  entrypoint?: string;
  environment?: Record<string, string>;
  filePathMap?: Record<string, string>;
}

const work = temporaryDir("tessera-vercel-");
const project = path.join(work, "project");
const output = path.join(project, ".vercel", "output");

/** The secrets a deploy's build environment holds, each a recognisable random value. */
function buildSecrets() {
  const tag = () => randomBytes(12).toString("hex");
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return {
    JWT_ALG: "ES256",
    JWT_PRIVATE_KEY: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    JWT_SECRET: `build-jwt-secret-${tag()}`,
    DATABASE_URL: `postgres://tessera:build-db-password-${tag()}@build-db-pooler-${tag()}.invalid:5432/tessera`,
    DATABASE_MIGRATE_URL: `postgres://tessera:build-migrate-password-${tag()}@build-db-direct-${tag()}.invalid:5432/tessera`,
  };
}

const secrets = buildSecrets();

/** What must not appear in the output: each secret, and the parts of it that would leak it on their own. */
function needles(): { what: string; value: string }[] {
  const urlParts = (name: "DATABASE_URL" | "DATABASE_MIGRATE_URL") => {
    const url = new URL(secrets[name]);
    return [
      { what: name, value: secrets[name] },
      { what: `${name}'s password`, value: url.password },
      { what: `${name}'s host`, value: url.hostname },
    ];
  };
  const keyLines = secrets.JWT_PRIVATE_KEY.split("\n").filter((line) => line.length >= 32 && !line.startsWith("-----"));
  return [
    { what: "JWT_SECRET", value: secrets.JWT_SECRET },
    ...keyLines.map((value, index) => ({ what: `JWT_PRIVATE_KEY (line ${index + 2})`, value })),
    ...urlParts("DATABASE_URL"),
    ...urlParts("DATABASE_MIGRATE_URL"),
  ];
}

/**
 * The project as a deploy receives it: the files git tracks or would track, the
 * installed packages (hard links where the file system allows: no copy, no space)
 * and the generated Prisma client that `npm ci` makes.
 */
function copyProject(): void {
  const listed = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: PROJECT_ROOT, encoding: "utf8" });
  for (const file of listed.split("\0").filter(Boolean)) {
    const from = path.join(PROJECT_ROOT, file);
    if (!existsSync(from)) continue; // deleted in the working tree
    mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
    copyFileSync(from, path.join(project, file));
  }
  cpSync(path.join(PROJECT_ROOT, "lib/db/generated"), path.join(project, "lib/db/generated"), { recursive: true });
  const modules = [path.join(PROJECT_ROOT, "node_modules"), path.join(project, "node_modules")];
  if (spawnSync("cp", ["-al", ...modules]).status !== 0) {
    rmSync(modules[1]!, { recursive: true, force: true });
    execFileSync("cp", ["-a", ...modules]);
  }
}

/** `vercel build --prod` in the copy, linked to no real project, with the build secrets in its environment; returns seconds taken. */
function vercelBuild(): number {
  mkdirSync(path.join(project, ".vercel"), { recursive: true });
  writeFileSync(
    path.join(project, ".vercel", "project.json"),
    JSON.stringify({ projectId: "prj_local", orgId: "team_local", settings: { framework: "nextjs", buildCommand: "next build", installCommand: "true" } }),
  );
  // A production build, not the test runner's NODE_ENV=test; and none of the runner's previous keys.
  const env: NodeJS.ProcessEnv = { ...process.env, ...secrets, NODE_ENV: "production", VERCEL_TELEMETRY_DISABLED: "1", NEXT_TELEMETRY_DISABLED: "1" };
  delete env.JWT_PREVIOUS_KEYS;
  const started = performance.now();
  const result = spawnSync(
    path.join(project, "node_modules", ".bin", "vercel"),
    ["build", "--prod", "--yes", "--global-config", path.join(work, "vercel-cli")],
    { cwd: project, env, encoding: "utf8", timeout: 600_000 },
  );
  const seconds = (performance.now() - started) / 1000;
  writeFileSync(path.join(work, "vercel-build.log"), `${result.stdout}\n${result.stderr}`);
  if (result.status !== 0) throw new Error(`vercel build failed (${result.status}):\n${`${result.stdout}\n${result.stderr}`.slice(-4000)}`);
  return seconds;
}

function functionConfig(name: string): FunctionConfig {
  return JSON.parse(readFileSync(path.join(output, "functions", `${name}.func`, ".vc-config.json"), "utf8")) as FunctionConfig;
}

/** Every regular file under `dir`; symbolic links are left out (their targets are listed where they live). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/** The URL path of every page and route handler under app/: route groups dropped, private folders (`_x`) left out. */
function appRoutes(): string[] {
  const app = path.join(PROJECT_ROOT, "app");
  return filesUnder(app)
    .map((file) => path.relative(app, file).split(path.sep))
    .filter((parts) => /^(page|route)\.(tsx?|jsx?)$/.test(parts.at(-1)!))
    .map((parts) => parts.slice(0, -1))
    .filter((segments) => !segments.some((segment) => segment.startsWith("_")))
    .map((segments) => segments.filter((segment) => !/^\(.*\)$/.test(segment) && !segment.startsWith("@")).join("/"));
}

/** A route's function in the Build Output: `index` for the root. */
function functionName(route: string): string {
  return route === "" ? "index" : route;
}

/**
 * The function laid out as the platform would: its own folder, plus every file
 * its file map names, copied from the project (symbolic links kept as links). It
 * lives outside the project, so nothing resolves from the project's node_modules.
 */
function layOutFunction(name: string, into: string): FunctionConfig {
  const config = functionConfig(name);
  // Functions that share files are links to one folder: copy the folder.
  cpSync(realpathSync(path.join(output, "functions", `${name}.func`)), into, { recursive: true, verbatimSymlinks: true });
  for (const [target, source] of Object.entries(config.filePathMap ?? {})) {
    const from = path.join(project, source);
    const to = path.join(into, target);
    mkdirSync(path.dirname(to), { recursive: true });
    if (lstatSync(from).isSymbolicLink()) symlinkSync(readlinkSync(from), to);
    else copyFileSync(from, to);
  }
  return config;
}

let buildSeconds = 0;

beforeAll(() => {
  copyProject();
  buildSeconds = vercelBuild();
}, 660_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("vercel build", () => {
  it("routes requests through the middleware, an Edge function within the Edge size limit", () => {
    const middleware = functionConfig("middleware");
    expect(middleware.runtime).toBe("edge");

    const routes = (JSON.parse(readFileSync(path.join(output, "config.json"), "utf8")) as { routes: { middlewarePath?: string; src?: string }[] }).routes;
    expect(routes.filter((route) => route.middlewarePath === "middleware").length).toBeGreaterThan(0);

    const folder = path.join(output, "functions", "middleware.func");
    const code = filesUnder(folder).filter((file) => !file.endsWith(".vc-config.json"));
    const raw = code.reduce((sum, file) => sum + readFileSync(file).length, 0);
    const gzipped = code.reduce((sum, file) => sum + gzipSync(readFileSync(file)).length, 0);
    const entry = readFileSync(path.join(folder, middleware.entrypoint ?? "index.js"));
    console.info(
      `vercel build took ${buildSeconds.toFixed(1)} s; middleware.func: ${raw} bytes (${gzipped} gzipped), ` +
        `its entry point ${entry.length} bytes (${gzipSync(entry).length} gzipped)`,
    );
    expect(gzipped).toBeLessThan(EDGE_LIMIT_GZIP_BYTES);
  });

  it("makes every page and route handler under app/ a Node.js function within the size limit", () => {
    const routes = appRoutes();
    expect(routes).toContain("api/auth/login");

    const problems: string[] = [];
    for (const route of routes) {
      const name = functionName(route);
      if (!existsSync(path.join(output, "functions", `${name}.func`, ".vc-config.json"))) {
        problems.push(`/${route}: no function ${name}.func`);
        continue;
      }
      const config = functionConfig(name);
      if (!config.runtime.startsWith("nodejs")) problems.push(`/${route}: runtime ${config.runtime}`);
      const bytes = Object.values(config.filePathMap ?? {}).reduce((sum, source) => sum + lstatSync(path.join(project, source)).size, 0);
      if (bytes > NODE_LIMIT_BYTES) problems.push(`/${route}: ${bytes} bytes unzipped`);
    }
    expect(problems).toEqual([]);
  });

  it("ships in the sign-in functions what bcrypt's workers, Prisma's client and the pg adapter load at run time", () => {
    // The bcrypt worker threads resolve bcryptjs from the working directory with `require`, as this does.
    const bcryptjs = path.relative(project, createRequire(`${project}/`).resolve("bcryptjs"));
    const needed = [
      bcryptjs,
      "node_modules/bcryptjs/package.json",
      "node_modules/@prisma/client/package.json",
      "node_modules/@prisma/adapter-pg/package.json",
      "node_modules/pg/package.json",
    ];
    for (const name of SIGN_IN_FUNCTIONS) {
      const shipped = Object.keys(functionConfig(name).filePathMap ?? {});
      expect({ function: name, missing: needed.filter((file) => !shipped.includes(file)) }).toEqual({ function: name, missing: [] });
      for (const prefix of ["node_modules/@prisma/client/runtime/", "node_modules/@prisma/adapter-pg/dist/", "node_modules/pg/lib/"]) {
        expect(shipped.some((file) => file.startsWith(prefix)), `${name}.func ships nothing under ${prefix}`).toBe(true);
      }
    }
  });

  it("serves sign-in from the sign-in function's files alone: register, sign in and read the session on PostgreSQL", async () => {
    const postgres = await PostgresServer.create();
    let pid: number | undefined;
    let printed = "";
    try {
      const databaseUrl = await postgres.createDatabase("tessera");
      await applyMigrations(databaseUrl);
      const folder = path.join(work, "function");
      const config = layOutFunction("api/auth/login", folder);
      const port = await freePort();
      // The function's handler is a Node.js request listener; a plain HTTP server stands in for the platform.
      const serve = `require("node:http").createServer(require("./${config.handler}")).listen(${port}, "127.0.0.1")`;
      const child = spawn(process.execPath, ["-e", serve], {
        cwd: folder,
        detached: true,
        env: {
          PATH: process.env.PATH,
          ...config.environment,
          NODE_ENV: "production",
          DATABASE_URL: databaseUrl,
          JWT_SECRET: randomBytes(48).toString("base64"),
          BCRYPT_COST: "10",
        },
      });
      pid = child.pid;
      child.stdout.on("data", (chunk) => (printed += chunk));
      child.stderr.on("data", (chunk) => (printed += chunk));

      const client = httpClient(`http://127.0.0.1:${port}`);
      await eventually("the function to answer", async () => (await client.call("/api/auth/me")).status === 401);
      const user = await client.registerUser("vercel");
      const signed = await client.signInFully(user.username, user.password);
      const me = await client.call("/api/auth/me", { cookie: signed.access });
      expect(me.status).toBe(200);
      expect((await me.json()).data.user.username).toBe(user.username);
    } catch (error) {
      throw new Error(`${String(error)}\nThe function printed:\n${printed.slice(-3000)}`, { cause: error });
    } finally {
      if (pid) signalAll([-pid], "SIGKILL");
      postgres.destroy();
    }
  }, 120_000);

  it("ships no value of the build environment's secrets", () => {
    const shipped = new Set(filesUnder(output));
    for (const entry of readdirSync(path.join(output, "functions"), { recursive: true, encoding: "utf8" })) {
      if (!entry.endsWith(".vc-config.json")) continue;
      const config = JSON.parse(readFileSync(path.join(output, "functions", entry), "utf8")) as FunctionConfig;
      for (const source of Object.values(config.filePathMap ?? {})) {
        const file = path.join(project, source);
        if (lstatSync(file).isFile()) shipped.add(file);
      }
    }
    expect(shipped.size).toBeGreaterThan(100);

    const leaks: string[] = [];
    const searched = needles();
    for (const file of shipped) {
      const bytes = readFileSync(file);
      for (const { what, value } of searched) if (bytes.includes(value)) leaks.push(`${what} in ${path.relative(project, file)}`);
    }
    expect(leaks).toEqual([]);
  });
});
