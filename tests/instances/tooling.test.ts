import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { freePort } from "@/tools/free-port";
import { runCommand } from "@/tools/processes";
import { call } from "@/tools/http-client";
import { query } from "../support/database";

describe("the build", () => {
  it("runs middleware.ts on the Edge runtime", () => {
    const manifest = JSON.parse(readFileSync(".next/server/middleware-manifest.json", "utf8"));
    const middleware = manifest.middleware["/"];
    expect(middleware.name).toBe("middleware");
    expect(middleware.files.every((file: string) => file.startsWith("server/edge/"))).toBe(true);
  });
});

describe("start-up in production", () => {
  /** The production server (`npm start`'s) with a bad secret; resolves with its exit code and output, or "still running". */
  async function startWith(secret: string): Promise<{ code: number | null; output: string }> {
    // An empty JWT_SECRET in the environment also keeps Next.js from filling it in from a local .env file.
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: "postgres://nobody@127.0.0.1:1/none",
      JWT_ALG: "HS256",
      JWT_PRIVATE_KEY: "",
      JWT_SECRET: secret,
    };
    const child = spawn(process.execPath, ["server/start.js", "-p", String(await freePort()), "-H", "127.0.0.1"], { env, detached: true });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        process.kill(-child.pid!, "SIGKILL");
        resolve({ code: null, output: `still running: ${output}` });
      }, 25_000);
      child.on("exit", (code) => {
        clearTimeout(timer);
        resolve({ code, output });
      });
    });
  }

  it("stops with a clear message when JWT_SECRET is missing", async () => {
    const { code, output } = await startWith("");
    expect(code).toBe(1);
    expect(output).toContain("JWT_SECRET is not set");
  });

  it("stops with a clear message when JWT_SECRET is shorter than 32 bytes", async () => {
    const { code, output } = await startWith("too-short-a-secret");
    expect(code).toBe(1);
    expect(output).toContain("JWT_SECRET is too short");
  });
});

describe("database scripts", () => {
  it("re-running the seed while the server runs changes nothing", async () => {
    // The seed's own accounts and posts, read as rows: other suites add users of their own meanwhile.
    const seeded = () =>
      query(
        `SELECT u."id", u."username", u."role", count(p."id")::int AS "posts" FROM "User" u LEFT JOIN "Post" p ON p."authorId" = u."id"
         WHERE u."username" = ANY($1) GROUP BY u."id" ORDER BY u."username"`,
        [["hop", "lex", "niko", "toby"]],
      );
    const menloPark = () =>
      query(
        `SELECT o."name", u."username", m."role" FROM "Organization" o JOIN "Membership" m ON m."organizationId" = o."id" JOIN "User" u ON u."id" = m."userId"
         WHERE o."slug" = 'menlo-park' AND u."username" = ANY($1) ORDER BY u."username"`,
        [["hop", "toby"]],
      );
    const before = await seeded();
    expect(before).toHaveLength(4);
    const members = await menloPark();
    expect(members).toEqual([
      { name: "Menlo Park", username: "hop", role: "OWNER" },
      { name: "Menlo Park", username: "toby", role: "MEMBER" },
    ]);
    const result = await runCommand("npm", ["run", "db:seed"], { ...process.env, NODE_ENV: "test" });
    expect(result.status, result.output).toBe(0);
    expect(result.output).toContain("0 new post(s)");
    expect(await seeded()).toEqual(before);
    expect(await menloPark()).toEqual(members);
    expect((await call("/api/auth/login", { json: { username: "hop", password: "123hop" } })).status).toBe(200);
  });

  it("refuses to seed in production", async () => {
    const result = await runCommand("npm", ["run", "db:seed"], { ...process.env, NODE_ENV: "production" });
    expect(result.status).not.toBe(0);
    expect(result.output).toContain("Refusing to seed");
  });

  it("has migrations that match schema.prisma exactly", async () => {
    const before = readdirSync("prisma/migrations");
    const result = await runCommand("npm", ["run", "db:migrate:new", "--", "drift_check"], process.env);
    expect(result.status, result.output).toBe(0);
    expect(result.output).toContain("No changes");
    expect(readdirSync("prisma/migrations")).toEqual(before);
    expect(existsSync("prisma/migrations/migration_lock.toml")).toBe(true);
  });
});
