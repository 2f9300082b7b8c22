/**
 * `npm test`: every test in one command. Unit tests first; then one production
 * build, served by `npm start` on a fresh database (a temporary embedded one,
 * or DATABASE_URL when set), which the integration tests (real HTTP) and the
 * end-to-end tests (a real Chromium) run against; then the server is stopped.
 * The server sends its mail to a local mail catcher (tools/mail-catcher.ts),
 * whose inbox the tests read at TESSERA_MAIL_URL (tests/support/mailbox.ts).
 */
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { chromiumPath } from "../tests/support/browser";
import { AppServer, temporaryDir } from "../tests/support/app-server";
import { freePort } from "../tools/free-port";
import { startMailCatcher, type MailCatcher } from "../tools/mail-catcher";
import { startPwnedStandin, type PwnedStandin } from "../tests/support/pwned-standin";

type Env = NodeJS.ProcessEnv;

/**
 * Runs a suite and waits without blocking: the mail catcher serves from this
 * process, and must answer the server and the tests while they run.
 */
function run(title: string, command: string, args: string[], env: Env = process.env): Promise<boolean> {
  console.log(`\n▶ ${title}: ${command} ${args.join(" ")}`);
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: "inherit", env });
    child.once("error", (error) => {
      console.error(`Could not run ${command}: ${error.message}`);
      resolve(false);
    });
    child.once("exit", (code) => resolve(code === 0));
  });
}

/** Seeds the running server's database; false, with the reason printed, if that failed. */
function seed(server: AppServer): boolean {
  console.log("\n▶ Seed the test database (while the server runs): npm run db:seed");
  try {
    server.seed();
    return true;
  } catch (error) {
    console.error(String(error));
    return false;
  }
}

/**
 * `--server-only`: reuse the existing build and run only the suites that need a
 * server (CI's PostgreSQL pass). `--security-only`: build, then only the attack
 * suite (`npm run test:security`). Any other argument is a file filter handed
 * to every runner (`npm test -- --server-only tests/security/recovery e2e/recovery`):
 * a suite with no matching file passes without running anything.
 */
const serverOnly = process.argv.includes("--server-only");
const securityOnly = process.argv.includes("--security-only");
const filters = process.argv.slice(2).filter((arg) => !arg.startsWith("--"));
const vitestFilters = filters.length > 0 ? ["--passWithNoTests", ...filters] : [];
const playwrightFilters = filters.length > 0 ? ["--pass-with-no-tests", ...filters] : [];

async function main(): Promise<number> {
  const results: [string, boolean][] = [];
  if (!serverOnly) {
    if (!securityOnly) results.push(["unit", await run("Unit tests", "npx", ["vitest", "run", "--project", "unit", ...vitestFilters])]);
    if (!(await run("Production build", "npx", ["next", "build"], { ...process.env, NEXT_TELEMETRY_DISABLED: "1" }))) {
      console.error("The build failed; integration and end-to-end tests need it.");
      return 1;
    }
  }
  if (!securityOnly && !chromiumPath() && !(await run("Playwright's own Chromium", "npx", ["playwright", "install", "chromium"]))) {
    console.error("No Chromium: install Debian's `chromium`, set CHROMIUM_PATH, or allow `npx playwright install chromium`.");
  }

  const dataDir = temporaryDir("tessera-test-");
  console.log(`\n▶ Test server: npm start (${process.env.DATABASE_URL ? "DATABASE_URL" : `embedded database in ${path.join(dataDir, "data")}`})`);
  let server: AppServer | undefined;
  let mail: MailCatcher | undefined;
  // Breached-password checks go to a local stand-in of Have I Been Pwned, never the real service.
  let pwned: PwnedStandin | undefined;
  try {
    mail = await startMailCatcher();
    console.log(`\n▶ Mail catcher: SMTP ${mail.smtpUrl}, inbox ${mail.inboxUrl}`);
    pwned = await startPwnedStandin();
    // The runner's DATABASE_URL and JWT_* settings pass through: CI configures the server with them.
    const port = await freePort();
    server = await AppServer.start({
      name: "server",
      dataDir,
      databaseUrl: process.env.DATABASE_URL,
      inheritSettings: true,
      port,
      env: {
        JWT_SECRET: randomBytes(48).toString("base64"),
        TOTP_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
        // Passkeys need a host name, not an IP address: the browser tests reach the same server as localhost.
        WEBAUTHN_RP_ID: "localhost",
        WEBAUTHN_ORIGIN: `http://localhost:${port}`,
        BCRYPT_COST: "10",
        // As if behind a proxy: tests pick their client address with X-Forwarded-For,
        // so the per-IP sign-in limit can be tested without one test starving the rest.
        TRUST_PROXY: "1",
        CORS_ORIGINS: "https://front.tessera.test",
        SMTP_URL: mail.smtpUrl,
        // Links in mails point where the tests reach the server (server.url, known before it starts).
        APP_URL: `http://127.0.0.1:${port}`,
        HIBP_ENABLED: "1",
        HIBP_API_URL: pwned.url,
      },
    });
    const env: Env = { ...server.env, TESSERA_BASE_URL: server.url, TESSERA_SERVER_LOG: server.logFile, TESSERA_MAIL_URL: mail.inboxUrl };
    results.push(["seed", seed(server)]);
    results.push(["security", await run("Attack suite", "npx", ["vitest", "run", "--project", "security", ...vitestFilters], env)]);
    if (!securityOnly) {
      results.push(["integration", await run("Integration tests", "npx", ["vitest", "run", "--project", "integration", ...vitestFilters], env)]);
      results.push(["e2e", await run("End-to-end tests", "npx", ["playwright", "test", ...playwrightFilters], env)]);
      results.push(["logs", await run("The server's log holds no secret", "npx", ["vitest", "run", "--project", "logs", ...vitestFilters], env)]);
    }
  } catch (error) {
    console.error(String(error));
    results.push(["server", false]);
  } finally {
    await server?.terminate();
    await mail?.close();
    await pwned?.close();
  }

  const failed = results.filter(([, passed]) => !passed).map(([name]) => name);
  if (failed.length > 0) {
    console.error(`\nFailed: ${failed.join(", ")}. The server's log is in ${dataDir}.`);
    return 1;
  }
  rmSync(dataDir, { recursive: true, force: true });
  console.log(`\nAll test suites passed: ${results.map(([name]) => name).join(", ")}.`);
  return 0;
}

process.exitCode = await main();
