/**
 * `npm test`: every test in one command, in as little time as two cores allow.
 *
 *   1. The production build: everything after it waits for it. Its compile
 *      keeps both cores busy; its type check and the steps after it leave one
 *      idle, so when the type check begins, what the server needs besides the
 *      build starts beside it: a fresh database migrated and seeded (a
 *      temporary embedded one, or DATABASE_URL when set), a mail catcher
 *      (tools/mail-catcher.ts) for the server's SMTP, and one Chromium for the
 *      browser tests.
 *   2. One server (`npm start`) is started on that build and that database.
 *      The unit tests (they need no server) start beside it and the lanes.
 *   3. Five lanes run side by side against them: the attack suite in two
 *      halves, the integration tests, the tests that start instances of their
 *      own, and the end-to-end tests. Each suite's output is printed whole when
 *      it ends, and what failed in it once more under the stages' times.
 *   4. The scan of the server's log for secrets runs last, over everything the
 *      lanes made the server write.
 *
 * It prints each stage's time and the total, and writes them as JSON to
 * TESSERA_TEST_REPORT when that is set (`npm run bench` times a fresh clone's run).
 */
import { spawn } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { chromium, type BrowserServer } from "@playwright/test";
import { chromiumLaunchOptions, chromiumPath } from "../tools/browser";
import { AppServer, temporaryDir } from "../tools/app-server";
import { freePort } from "../tools/free-port";
import { startMailCatcher, type MailCatcher } from "../tools/mail-catcher";
import { startPwnedStandin, type PwnedStandin } from "../tools/pwned-standin";
import { startFederationServices, type FederationServices } from "../tools/federation-services";

type Env = NodeJS.ProcessEnv;

interface Stage {
  name: string;
  seconds: number;
  passed: boolean;
  /** Ran beside other stages (a lane, or the unit tests). */
  beside: boolean;
  /** A failed suite's own account of what failed, printed again under the stages. */
  failures?: string;
}

const stages: Stage[] = [];
const started = performance.now();

function seconds(since: number): number {
  return (performance.now() - since) / 1000;
}

interface RunOptions {
  env?: Env;
  /** Collect the output and print it in one piece at the end, so that lanes running side by side do not interleave their lines. */
  together?: boolean;
  /** Sees the output as it comes (which is printed at once as well). */
  watch?: (text: string) => void;
}

/**
 * Runs a command to its end without blocking this process (the mail catcher and
 * the browser server live here, and must answer while suites run).
 */
function run(name: string, command: string, args: string[], { env = process.env, together = false, watch }: RunOptions = {}): Promise<boolean> {
  const title = `${name}: ${command} ${args.join(" ")}`;
  const since = performance.now();
  console.log(together ? `\n▷ ${title} (started; its output follows when it ends)` : `\n▶ ${title}`);
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: together || watch ? ["ignore", "pipe", "pipe"] : "inherit", env });
    const output: Buffer[] = [];
    const take = (out: NodeJS.WriteStream) => (chunk: Buffer) => {
      if (together) return void output.push(chunk);
      out.write(chunk);
      watch?.(chunk.toString());
    };
    child.stdout?.on("data", take(process.stdout));
    child.stderr?.on("data", take(process.stderr));
    // A command that cannot be started emits "error" and then "close": the first of them counts.
    let finished = false;
    const finish = (passed: boolean) => {
      if (finished) return;
      finished = true;
      const text = Buffer.concat(output).toString();
      const stage: Stage = { name, seconds: seconds(since), passed, beside: together, ...(passed || !together ? {} : { failures: failuresIn(text) }) };
      stages.push(stage);
      if (together) process.stdout.write(`\n▶ ${title}\n${text}`);
      console.log(`◀ ${name}: ${passed ? "passed" : "FAILED"} in ${stage.seconds.toFixed(1)} s`);
      resolve(passed);
    };
    child.once("error", (error) => {
      const message = `Could not run ${command}: ${error.message}\n`;
      if (together) output.push(Buffer.from(message));
      else process.stderr.write(message);
      finish(false);
    });
    child.once("close", (code) => finish(code === 0));
  });
}

/**
 * What a failed suite says failed: Vitest's "Failed Tests" section, or Playwright's
 * numbered failures, up to the summary that follows them (the end of the output
 * if neither is there), at most 80 lines. Lanes print their whole output when
 * they end, so without this a failure can be hundreds of lines above the end.
 */
function failuresIn(output: string): string {
  // The runners colour their output: the markers are looked for in the text without its colour codes.
  const lines = output.split("\n").map((line) => ({ line, plain: line.replace(/\u001b\[[0-9;]*m/g, "") }));
  const first = lines.findIndex(({ plain }) => /Failed Tests \d|Unhandled Errors|^\s+1\) /.test(plain));
  const from = first === -1 ? Math.max(0, lines.length - 30) : first;
  const end = lines.findIndex(({ plain }, index) => index > from && /^\s+Test Files |^\s+\d+ failed$/.test(plain));
  const section = lines.slice(from, end === -1 ? lines.length : end).map(({ line }) => line);
  return (section.length > 80 ? [...section.slice(0, 80), `  … ${section.length - 80} more lines in the suite's output above`] : section).join("\n");
}

/** Times a step done in this process (starting a server, seeding); undefined, with the reason printed, if it threw. */
async function step<T>(name: string, what: string, work: () => Promise<T>, beside = false): Promise<T | undefined> {
  const since = performance.now();
  console.log(`\n▶ ${name}: ${what}`);
  try {
    const result = await work();
    stages.push({ name, seconds: seconds(since), passed: true, beside });
    return result;
  } catch (error) {
    console.error(String(error));
    stages.push({ name, seconds: seconds(since), passed: false, beside });
    return undefined;
  }
}

/**
 * `--server-only`: reuse the existing build and run only the suites that need a
 * server. `--without-browser`: leave out the end-to-end tests and Chromium (CI's
 * second pass, on a PostgreSQL server with ES256, runs `--server-only
 * --without-browser`: the browser sees neither the database nor the signing
 * algorithm, and the routes and pages it drives are the ones the HTTP suites
 * call). `--security-only`: build, then only the attack suite (`npm run
 * test:security`). Any other argument is a file filter handed to every runner
 * (`npm test -- --server-only tests/security/recovery e2e/recovery`): a suite
 * with no matching file passes without running anything.
 */
const serverOnly = process.argv.includes("--server-only");
const securityOnly = process.argv.includes("--security-only");
const withBrowser = !securityOnly && !process.argv.includes("--without-browser");
const filters = process.argv.slice(2).filter((arg) => !arg.startsWith("--"));
const vitestFilters = filters.length > 0 ? ["--passWithNoTests", ...filters] : [];
const playwrightFilters = filters.length > 0 ? ["--pass-with-no-tests", ...filters] : [];

/**
 * The project's own copy of a tool, started directly: `npx` would first load npm
 * to find it, half a second of CPU for each of the eight tools a run starts.
 */
const bin = (tool: string) => path.join("node_modules", ".bin", tool);
const vitest = (...projects: string[]) => ["run", ...projects.flatMap((project) => ["--project", project]), ...vitestFilters];

/**
 * The production build. Nothing starts beside its compile, which keeps both
 * cores busy: the unit tests beside it slowed a fresh clone's build from 29 s
 * to 45–48 s. `onTypeCheck` is called when Next.js says its type check begins:
 * the server's services start then (the unit tests, which would take both
 * cores, still wait for the end of the build).
 */
async function build(onTypeCheck: () => void): Promise<boolean> {
  const watch = (text: string) => {
    if (text.includes("Running TypeScript")) onTypeCheck();
  };
  const built = await run("build", bin("next"), ["build"], { env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" }, watch });
  if (!built) console.error("The build failed; integration and end-to-end tests need it.");
  return built;
}

/** The lowest cost the app accepts: the server and the seed hash at it. */
const BCRYPT_COST = "10";

/** The shared test server's settings, on top of the runner's own DATABASE_URL and JWT_* (CI configures the server with them). */
function serverSettings(port: number, mail: MailCatcher, pwned: PwnedStandin): Record<string, string> {
  return {
    JWT_SECRET: randomBytes(48).toString("base64"),
    TOTP_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    // Passkeys need a host name, not an IP address: the browser tests reach the same server as localhost.
    WEBAUTHN_RP_ID: "localhost",
    WEBAUTHN_ORIGIN: `http://localhost:${port}`,
    BCRYPT_COST,
    // The lanes sign in and register by the hundred; on two cores the default pool (one worker,
    // the other core left to the event loop) would make every bcrypt wait for the one before it.
    BCRYPT_WORKERS: "2",
    // As if behind a proxy: tests pick their client address with X-Forwarded-For,
    // so the per-IP sign-in limit can be tested without one test starving the rest.
    TRUST_PROXY: "1",
    CORS_ORIGINS: "https://front.tessera.test",
    SMTP_URL: mail.smtpUrl,
    // Links in mails point where the tests reach the server (server.url, known before it starts).
    APP_URL: `http://127.0.0.1:${port}`,
    // Breached-password checks go to a local stand-in of Have I Been Pwned, never the real service.
    HIBP_ENABLED: "1",
    HIBP_API_URL: pwned.url,
  };
}

/**
 * A production server loads each route's code on its first request: asked for by
 * five lanes at once, on a cold server, one page can take longer than a browser
 * test waits. One request each first, the bcrypt workers started by a sign-in,
 * and the list of common passwords loaded (a second, once per process) by a
 * registration it refuses, which creates nothing.
 */
async function warmUp(base: string): Promise<void> {
  const pages = ["/", "/login", "/register", "/forgot-password", "/dashboard", "/admin", "/api/health", "/api/auth/me"];
  await Promise.all(pages.map((path) => fetch(new URL(path, base), { redirect: "manual" }).then((response) => response.arrayBuffer())));
  const signIn = await fetch(new URL("/api/auth/login", base), {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": "10.255.255.254" },
    body: JSON.stringify({ username: "toby", password: "123toby" }),
  });
  if (signIn.status !== 200) throw new Error(`warm-up: signing in as the seeded toby answered ${signIn.status}`);
  const common = await fetch(new URL("/api/auth/register", base), {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": "10.255.255.253" },
    body: JSON.stringify({ username: "warm-up", password: "password123", name: "Warm Up" }),
  });
  if (common.status !== 400) throw new Error(`warm-up: registering with a common password answered ${common.status}`);
}

/**
 * The suites that run side by side, each in a process of its own and each one
 * file at a time: the attack suite in two halves (it is the largest), the
 * integration tests, the tests that start instances of their own, and the
 * end-to-end tests (two Playwright workers). Most of what a test does is wait
 * (for a bcrypt worker, a page, a process to start), so six files at once
 * keep both cores busy.
 */
function lanes(env: Env): Promise<boolean>[] {
  if (securityOnly) return [run("security", bin("vitest"), vitest("security"), { env, together: true })];
  return [
    run("security 1/2", bin("vitest"), [...vitest("security"), "--shard=1/2"], { env, together: true }),
    run("security 2/2", bin("vitest"), [...vitest("security"), "--shard=2/2"], { env, together: true }),
    run("integration", bin("vitest"), vitest("integration"), { env, together: true }),
    run("instances", bin("vitest"), vitest("instances"), { env, together: true }),
    ...(withBrowser ? [run("e2e", bin("playwright"), ["test", ...playwrightFilters], { env, together: true })] : []),
  ];
}

/** What the server needs besides its build, started while the build type-checks. */
interface Services {
  port: number;
  dataDir: string;
  mail: MailCatcher;
  pwned: PwnedStandin;
  federation: FederationServices;
  browser?: BrowserServer;
  close(): Promise<void>;
}

/**
 * The mail catcher, the breached-password stand-in, the sign-in providers
 * (an OpenID Provider and a GitHub stand-in, over https with a throwaway
 * certificate the app trusts), Chromium, and the database: migrated and seeded
 * by `npm run db:seed` (a temporary embedded database is started for it and
 * stopped again; the server starts it on its data).
 */
async function startServices(dataDir: string): Promise<Services> {
  if (withBrowser && !chromiumPath() && !(await run("Playwright's own Chromium", bin("playwright"), ["install", "chromium"]))) {
    console.error("No Chromium: install Debian's `chromium`, set CHROMIUM_PATH, or allow `npx playwright install chromium`.");
  }
  const port = await freePort();
  const started: { close(): Promise<void> }[] = [];
  const close = async () => void (await Promise.all(started.map((service) => service.close())));
  const keep = <T extends { close(): Promise<void> }>(service: T): T => (started.push(service), service);
  try {
    const database = process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : { EMBEDDED_DATA_DIR: path.join(dataDir, "data") };
    const seed = run("seed", "npm", ["run", "db:seed"], { env: { ...process.env, ...database, BCRYPT_COST, NODE_ENV: "test" }, together: true });
    const [mail, pwned, federation, browser] = await Promise.all([
      startMailCatcher().then(keep),
      startPwnedStandin().then(keep),
      startFederationServices(`http://127.0.0.1:${port}`).then(keep),
      withBrowser ? chromium.launchServer(chromiumLaunchOptions()).then(keep) : undefined,
    ]);
    if (!(await seed)) throw new Error("The database could not be migrated and seeded.");
    return { port, dataDir, mail, pwned, federation, browser, close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function main(): Promise<boolean> {
  const dataDir = temporaryDir("tessera-test-");
  // The services need no build: they start beside its type check (or, if Next.js
  // never says it began, after the build; not at all if it failed before).
  let services: Promise<Services | undefined> | undefined;
  const startServicesBeside = () =>
    (services ??= step("services", `mail catcher, breached-password stand-in, sign-in providers${withBrowser ? ", Chromium" : ""}, the database seeded`, () => startServices(dataDir), true));
  const built = serverOnly || (await build(startServicesBeside));
  // The unit tests need no server: they run beside its start-up and the lanes.
  const unit = serverOnly || securityOnly ? Promise.resolve(true) : run("unit", bin("vitest"), vitest("unit", "unit-mocks"), { together: true });
  const ready = await (built ? startServicesBeside() : services);
  let passed = false;
  try {
    passed = built && ready !== undefined && (await serverSuites(ready));
  } finally {
    await ready?.close();
    if (passed) rmSync(dataDir, { recursive: true, force: true });
    else console.error(`\nThe server's log and database are in ${dataDir}.`);
  }
  return (await unit) && passed;
}

/** The server, the lanes against it, then the scan of the server's log. */
async function serverSuites({ port, dataDir, mail, pwned, federation, browser }: Services): Promise<boolean> {
  let server: AppServer | undefined;
  try {
    const database = process.env.DATABASE_URL ? "DATABASE_URL" : `embedded database in ${path.join(dataDir, "data")}`;
    server = await step("server", `npm start (${database})`, async () => {
      const started = await AppServer.start({ name: "server", dataDir, databaseUrl: process.env.DATABASE_URL, inheritSettings: true, port, env: { ...serverSettings(port, mail, pwned), ...federation.env } });
      console.log(`  server ${started.url}, mail SMTP ${mail.smtpUrl} and inbox ${mail.inboxUrl}${browser ? `, Chromium ${browser.wsEndpoint()}` : ""}`);
      return started;
    });
    if (!server) return false;
    const url = server.url;
    await step("warm-up", "the pages and the sign-in route, once each", () => warmUp(url));

    const env: Env = {
      ...server.env,
      TESSERA_BASE_URL: server.url,
      TESSERA_SERVER_LOG: server.logFile,
      TESSERA_MAIL_URL: mail.inboxUrl,
      ...(browser ? { TESSERA_BROWSER_WS: browser.wsEndpoint() } : {}),
    };
    const results = await Promise.all(lanes(env));
    const logs = securityOnly || (await run("logs", bin("vitest"), vitest("logs"), { env }));
    return results.every(Boolean) && logs;
  } finally {
    await server?.terminate();
  }
}

const passed = await main();
const width = Math.max(...stages.map((stage) => stage.name.length));
console.log("\nStages (‖: beside the others):");
for (const stage of stages) {
  console.log(`  ${stage.beside ? "‖" : " "} ${stage.name.padEnd(width)} ${stage.seconds.toFixed(1).padStart(6)} s  ${stage.passed ? "passed" : "FAILED"}`);
}
for (const stage of stages.filter((stage) => stage.failures)) {
  console.log(`\nWhat failed in ${stage.name}:\n${stage.failures}`);
}
const failed = stages.filter((stage) => !stage.passed).map((stage) => stage.name);
const allPassed = passed && failed.length === 0;
const totalSeconds = seconds(started);
console.log(`\n${allPassed ? "All test suites passed" : `Failed: ${failed.join(", ") || "see above"}`} in ${totalSeconds.toFixed(1)} s.`);
if (process.env.TESSERA_TEST_REPORT) {
  writeFileSync(process.env.TESSERA_TEST_REPORT, `${JSON.stringify({ passed: allPassed, seconds: totalSeconds, stages }, null, 2)}\n`);
}
process.exitCode = allPassed ? 0 : 1;
