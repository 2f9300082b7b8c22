/**
 * `npm test`: every test in one command, in as little time as two cores allow.
 *
 *   1. The production build, alone: everything after it waits for it. The unit
 *      tests (they need no server) start once it is done, beside the rest.
 *   2. One server (`npm start` on a fresh database: a temporary embedded one, or
 *      DATABASE_URL when set) is started on that build and seeded, with a mail
 *      catcher (tools/mail-catcher.ts) for its SMTP and one Chromium for the
 *      browser tests.
 *   3. Five lanes run side by side against them: the attack suite in two
 *      halves, the integration tests, the tests that start instances of their
 *      own, and the end-to-end tests. Each suite's output is printed whole when
 *      it ends.
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
}

const stages: Stage[] = [];
const started = performance.now();

function seconds(since: number): number {
  return (performance.now() - since) / 1000;
}

/**
 * Runs a command to its end without blocking this process (the mail catcher and
 * the browser server live here, and must answer while suites run). `together`
 * collects its output and prints it in one piece at the end, so that lanes
 * running side by side do not interleave their lines.
 */
function run(name: string, command: string, args: string[], { env = process.env, together = false }: { env?: Env; together?: boolean } = {}): Promise<boolean> {
  const title = `${name}: ${command} ${args.join(" ")}`;
  const since = performance.now();
  console.log(together ? `\n▷ ${title} (started; its output follows when it ends)` : `\n▶ ${title}`);
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: together ? ["ignore", "pipe", "pipe"] : "inherit", env });
    const output: Buffer[] = [];
    child.stdout?.on("data", (chunk: Buffer) => output.push(chunk));
    child.stderr?.on("data", (chunk: Buffer) => output.push(chunk));
    const finish = (passed: boolean) => {
      const stage = { name, seconds: seconds(since), passed, beside: together };
      stages.push(stage);
      if (together) process.stdout.write(`\n▶ ${title}\n${Buffer.concat(output).toString()}`);
      console.log(`◀ ${name}: ${passed ? "passed" : "FAILED"} in ${stage.seconds.toFixed(1)} s`);
      resolve(passed);
    };
    child.once("error", (error) => {
      output.push(Buffer.from(`Could not run ${command}: ${error.message}\n`));
      finish(false);
    });
    child.once("close", (code) => finish(code === 0));
  });
}

/** Times a step done in this process (starting a server, seeding); undefined, with the reason printed, if it threw. */
async function step<T>(name: string, what: string, work: () => Promise<T>): Promise<T | undefined> {
  const since = performance.now();
  console.log(`\n▶ ${name}: ${what}`);
  try {
    const result = await work();
    stages.push({ name, seconds: seconds(since), passed: true, beside: false });
    return result;
  } catch (error) {
    console.error(String(error));
    stages.push({ name, seconds: seconds(since), passed: false, beside: false });
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

const vitest = (project: string) => ["vitest", "run", "--project", project, ...vitestFilters];

/**
 * The production build, with nothing beside it: the unit tests beside it slowed
 * it by more than they took (a fresh clone's build: 29 s alone, 45 to 48 s
 * beside them), and every later stage waits for it.
 */
async function build(): Promise<boolean> {
  const built = await run("build", "npx", ["next", "build"], { env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (!built) console.error("The build failed; integration and end-to-end tests need it.");
  return built;
}

/** The shared test server's settings, on top of the runner's own DATABASE_URL and JWT_* (CI configures the server with them). */
function serverSettings(port: number, mail: MailCatcher, pwned: PwnedStandin): Record<string, string> {
  return {
    JWT_SECRET: randomBytes(48).toString("base64"),
    TOTP_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    // Passkeys need a host name, not an IP address: the browser tests reach the same server as localhost.
    WEBAUTHN_RP_ID: "localhost",
    WEBAUTHN_ORIGIN: `http://localhost:${port}`,
    BCRYPT_COST: "10",
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
  if (securityOnly) return [run("security", "npx", vitest("security"), { env, together: true })];
  return [
    run("security 1/2", "npx", [...vitest("security"), "--shard=1/2"], { env, together: true }),
    run("security 2/2", "npx", [...vitest("security"), "--shard=2/2"], { env, together: true }),
    run("integration", "npx", vitest("integration"), { env, together: true }),
    run("instances", "npx", vitest("instances"), { env, together: true }),
    ...(withBrowser ? [run("e2e", "npx", ["playwright", "test", ...playwrightFilters], { env, together: true })] : []),
  ];
}

async function main(): Promise<boolean> {
  const built = serverOnly || (await build());
  // The unit tests need no server: they run beside its start-up and the lanes.
  const unit = serverOnly || securityOnly ? Promise.resolve(true) : run("unit", "npx", vitest("unit"), { together: true });
  const served = built && (await serverSuites());
  return (await unit) && served;
}

/** The server and its services, the lanes against them, then the scan of the server's log. */
async function serverSuites(): Promise<boolean> {
  if (withBrowser && !chromiumPath() && !(await run("Playwright's own Chromium", "npx", ["playwright", "install", "chromium"]))) {
    console.error("No Chromium: install Debian's `chromium`, set CHROMIUM_PATH, or allow `npx playwright install chromium`.");
  }

  const dataDir = temporaryDir("tessera-test-");
  let server: AppServer | undefined;
  let mail: MailCatcher | undefined;
  let pwned: PwnedStandin | undefined;
  let browser: BrowserServer | undefined;
  let federation: FederationServices | undefined;
  let passed = false;
  try {
    const database = process.env.DATABASE_URL ? "DATABASE_URL" : `embedded database in ${path.join(dataDir, "data")}`;
    const services = await step("server", `npm start (${database}), mail catcher, breached-password stand-in${withBrowser ? ", Chromium" : ""}`, async () => {
      [mail, pwned, browser] = await Promise.all([
        startMailCatcher(),
        startPwnedStandin(),
        withBrowser ? chromium.launchServer(chromiumLaunchOptions()) : undefined,
      ]);
      const port = await freePort();
      // The OpenID Provider and the GitHub stand-in (https, a throwaway certificate the app trusts), for the sign-in-with tests.
      federation = await startFederationServices(`http://127.0.0.1:${port}`);
      server = await AppServer.start({ name: "server", dataDir, databaseUrl: process.env.DATABASE_URL, inheritSettings: true, port, env: { ...serverSettings(port, mail, pwned), ...federation.env } });
      console.log(`  server ${server.url}, mail SMTP ${mail.smtpUrl} and inbox ${mail.inboxUrl}${browser ? `, Chromium ${browser.wsEndpoint()}` : ""}`);
      return { server, mail, browser };
    });
    if (!services) return false;
    const seeded = await step("seed", "npm run db:seed (while the server runs)", async () => {
      services.server.seed();
      return true;
    });
    if (!seeded) return false;
    await step("warm-up", "the pages and the sign-in route, once each", () => warmUp(services.server.url));

    const env: Env = {
      ...services.server.env,
      TESSERA_BASE_URL: services.server.url,
      TESSERA_SERVER_LOG: services.server.logFile,
      TESSERA_MAIL_URL: services.mail.inboxUrl,
      ...(services.browser ? { TESSERA_BROWSER_WS: services.browser.wsEndpoint() } : {}),
    };
    const results = await Promise.all(lanes(env));
    const logs = securityOnly || (await run("logs", "npx", vitest("logs"), { env }));
    passed = results.every(Boolean) && logs;
  } finally {
    await Promise.all([server?.terminate(), mail?.close(), pwned?.close(), browser?.close(), federation?.close()]);
    if (passed) rmSync(dataDir, { recursive: true, force: true });
    else console.error(`\nThe server's log and database are in ${dataDir}.`);
  }
  return passed;
}

const passed = await main();
const width = Math.max(...stages.map((stage) => stage.name.length));
console.log("\nStages (‖: beside the others):");
for (const stage of stages) {
  console.log(`  ${stage.beside ? "‖" : " "} ${stage.name.padEnd(width)} ${stage.seconds.toFixed(1).padStart(6)} s  ${stage.passed ? "passed" : "FAILED"}`);
}
const failed = stages.filter((stage) => !stage.passed).map((stage) => stage.name);
const allPassed = passed && failed.length === 0;
const totalSeconds = seconds(started);
console.log(`\n${allPassed ? "All test suites passed" : `Failed: ${failed.join(", ") || "see above"}`} in ${totalSeconds.toFixed(1)} s.`);
if (process.env.TESSERA_TEST_REPORT) {
  writeFileSync(process.env.TESSERA_TEST_REPORT, `${JSON.stringify({ passed: allPassed, seconds: totalSeconds, stages }, null, 2)}\n`);
}
process.exitCode = allPassed ? 0 : 1;
