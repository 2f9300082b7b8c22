/**
 * The launcher behind `npm run dev`, `npm start`, `npm run db:seed` and
 * `npm run db:prune`: it provides the database (DATABASE_URL, or the embedded
 * one, started here and stopped when Next.js exits), applies pending
 * migrations, then runs Next.js (or the seed) with DATABASE_URL pointing at it:
 * `next dev`, or for `start` the production server in server/start.js.
 * `dev` without SMTP_URL also starts a local inbox that catches every mail
 * (tools/mail-catcher.ts); `start` never does: without SMTP_URL, production's
 * email features answer 503 email_unavailable. Likewise `dev` with no sign-in
 * provider configured starts a local OpenID Provider (tools/oidc-provider.ts)
 * whose sign-in page lists the seeded users; `start` never does.
 * `prune` deletes what has ended long enough ago (lib/maintenance/prune.ts, which
 * the server also runs every hour) and changes no schema.
 *
 *   tsx --conditions=react-server scripts/run.ts dev|start|seed|prune [next args…]
 *
 * `--conditions=react-server` lets the seed and the prune import server-only modules.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { constants } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { maintenanceConfig, type DatabaseConfig, type MaintenanceConfig } from "@/lib/config";
import { migrationTarget, resolveDatabase, type ResolvedDatabase } from "@/tools/database-url";
import { ensureDevSecret } from "./dev-secret";
import { modeOf, withEnvFiles, type Env, type EnvMode } from "./env-files";
import { applyMigrations } from "./migrate";

const COMMANDS = ["dev", "start", "seed", "prune"] as const;
type Command = (typeof COMMANDS)[number];

function isCommand(value: string | undefined): value is Command {
  return COMMANDS.some((command) => command === value);
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
/** Time Next.js gets to shut down after a forwarded signal before its process group is killed. */
const KILL_AFTER_MS = 10_000;

function log(line: string): void {
  console.log(`[tessera] ${line}`);
}

async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  log(`${label} (${Math.round(performance.now() - started)} ms)`);
  return result;
}

// --- signals ---------------------------------------------------------------------

/**
 * Next.js runs in its own process group (`next dev` forks a `next-server`
 * that would outlive a signal sent to its parent alone), so the terminal's
 * Ctrl-C reaches only this launcher, which passes it on to the whole group.
 */
class Signals {
  received: NodeJS.Signals | undefined;
  private child: ChildProcess | undefined;

  constructor() {
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => this.handle(signal));
  }

  watch(child: ChildProcess): void {
    this.child = child;
    if (this.received) this.forward(this.received);
  }

  private handle(signal: NodeJS.Signals): void {
    if (this.received && !this.child) process.exit(exitCodeFor(signal)); // a second Ctrl-C while starting
    const first = !this.received;
    this.received ??= signal;
    if (first && this.child) this.forward(signal);
  }

  private forward(signal: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (pid === undefined) return;
    killGroup(pid, signal);
    setTimeout(() => killGroup(pid, "SIGKILL"), KILL_AFTER_MS).unref();
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

function exitCodeFor(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}

// --- steps -----------------------------------------------------------------------
//
// The Prisma client, the seed and the prune are imported by the steps that use
// them, so `npm start`, which only migrates and starts the server, never loads them.

async function runSeed(url: string, settings: DatabaseConfig, onlyIfEmpty: boolean): Promise<void> {
  const [{ createPrismaClient }, { isDatabaseEmpty, seed }] = await Promise.all([import("@/lib/db/prisma"), import("@/prisma/seed")]);
  const prisma = createPrismaClient(url, { poolMax: 2, timeoutMs: settings.database.timeoutMs });
  try {
    if (onlyIfEmpty && !(await isDatabaseEmpty(prisma))) return;
    const result = await timed("Seeded", () => seed(prisma, { production: settings.production, bcryptCost: settings.bcryptCost }));
    log(`Seed: ${result.users} users, ${result.postsCreated} new post(s).`);
  } finally {
    await prisma.$disconnect();
  }
}

async function runPrune(url: string, settings: MaintenanceConfig): Promise<void> {
  const [{ createPrismaClient }, { prune }] = await Promise.all([import("@/lib/db/prisma"), import("@/lib/maintenance/prune")]);
  const prisma = createPrismaClient(url, { poolMax: 1, timeoutMs: settings.database.timeoutMs });
  try {
    const result = await timed("Prune done", () => prune(prisma, settings));
    if (result.skipped) {
      log("Another instance is pruning right now; nothing done.");
      return;
    }
    log(
      `Deleted ${result.sessions} ended session(s), ${result.rotatedRefreshTokens} rotated refresh-token hash(es), ` +
        `${result.authEvents} auth event(s), ${result.rateLimits} passed rate-limit window(s), ${result.ceremonies} expired sign-in step(s), ${result.accountTokens} expired email or reset link(s), ${result.invitations} expired invitation(s).` +
        (result.complete ? "" : " More remain: run it again."),
    );
  } finally {
    await prisma.$disconnect();
  }
}

function nextPort(args: string[], env: Env): string {
  const index = args.findIndex((arg) => arg === "-p" || arg === "--port");
  const inline = args.find((arg) => arg.startsWith("--port="))?.slice("--port=".length);
  return (index >= 0 ? args[index + 1] : undefined) ?? inline ?? env.PORT ?? "3000";
}

/**
 * Development mail: without SMTP_URL, a local inbox (tools/mail-catcher.ts) on
 * ports 1025 and 1080, or free ones when those are taken, catches every mail;
 * APP_URL, where links in mails point, defaults to this dev server. Imported
 * here only, so `npm start` never needs the catcher's development packages.
 */
async function devMail(env: Env, port: string): Promise<{ env: Env; close(): Promise<void> }> {
  const appUrl = env.APP_URL ? {} : { APP_URL: `http://localhost:${port}` };
  if (env.SMTP_URL) return { env: appUrl, close: async () => {} };
  const { startMailCatcher } = await import("@/tools/mail-catcher");
  const catcher = await startMailCatcher({ smtpPort: 1025, httpPort: 1080 }).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
    return startMailCatcher();
  });
  log(`Mail: http://localhost:${catcher.httpPort} (a local inbox catches every mail; set SMTP_URL to send real mail)`);
  return { env: { ...appUrl, SMTP_URL: catcher.smtpUrl }, close: () => catcher.close() };
}

/**
 * Development sign-in: with no provider configured (AUTH_OIDC_*, AUTH_GOOGLE_*,
 * AUTH_GITHUB_*), a local OpenID Provider on port 3100 (or a free one) over
 * plain http, which the app accepts outside production only. Its sign-in page
 * lists the seeded users, whose identities there are connected to their
 * accounts, and takes anyone else, who gets a new account: a fresh clone shows
 * the whole flow. Imported here only, so `npm start` never needs it.
 */
async function devProvider(env: Env, appUrl: string, databaseUrl: string, settings: DatabaseConfig): Promise<{ env: Env; close(): Promise<void> }> {
  if (env.AUTH_OIDC_ISSUER || env.AUTH_GOOGLE_CLIENT_ID || env.AUTH_GITHUB_CLIENT_ID) return { env: {}, close: async () => {} };
  const [{ startLocalOidcProvider }, { createPrismaClient }, { SEED_USERS }] = await Promise.all([
    import("@/tools/oidc-provider"),
    import("@/lib/db/prisma"),
    import("@/prisma/seed"),
  ]);
  const client = { clientId: "tessera-dev", clientSecret: randomBytes(24).toString("base64url"), redirectUris: [`${appUrl}/api/auth/oauth/oidc/callback`] };
  const accounts = SEED_USERS.map((user) => ({ sub: user.username, name: user.name, preferred_username: user.username }));
  const options = { clients: [client], accounts, title: "Tessera's local OpenID Provider" };
  const provider = await startLocalOidcProvider({ ...options, port: 3100 }).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
    return startLocalOidcProvider(options);
  });
  const prisma = createPrismaClient(databaseUrl, { poolMax: 1, timeoutMs: settings.database.timeoutMs });
  try {
    // The seeded users' identities at this provider (its issuer names its port) sign in to their accounts.
    const users = await prisma.user.findMany({ where: { username: { in: accounts.map((account) => account.sub) } }, select: { id: true, username: true } });
    for (const user of users) {
      await prisma.connectedAccount.upsert({
        where: { issuer_subject: { issuer: provider.issuer, subject: user.username } },
        create: { userId: user.id, provider: "oidc", issuer: provider.issuer, subject: user.username },
        update: {},
      });
    }
  } finally {
    await prisma.$disconnect();
  }
  log(`Sign-in provider: ${provider.issuer} (a local OpenID Provider listing the seeded users; set AUTH_OIDC_* to use your own)`);
  const nodeMajor = Number(process.versions.node.split(".")[0]);
  if (nodeMajor < 22) log(`The provider's "Unsupported runtime" warning above is expected on Node.js ${nodeMajor}: it serves this local sign-in all the same.`);
  return {
    env: { AUTH_OIDC_ISSUER: provider.issuer, AUTH_OIDC_CLIENT_ID: client.clientId, AUTH_OIDC_CLIENT_SECRET: client.clientSecret, AUTH_OIDC_NAME: "Local SSO" },
    close: () => provider.close(),
  };
}

/**
 * The production server's heap limit. Without one, V8 sizes the heap from the
 * machine's memory (4 GiB on a machine of 24 GiB) and then lets the old
 * generation grow to about four times what survived its last full collection,
 * so under load the server's memory kept climbing for many minutes while its
 * live objects stayed near 100 MiB; with a limit of 512 MiB V8 grows it by
 * about 1.4 times instead, and memory levels off at under half of what it
 * reached (docs/memory.md). First in NODE_OPTIONS, so an operator's own
 * --max-old-space-size there wins.
 */
const SERVER_NODE_OPTIONS = "--max-old-space-size=512";

/** `next dev`, or the production server around Next.js (server/start.js, which takes `next start`'s -p and -H). */
function spawnNext(command: "dev" | "start", args: string[], launcherEnv: Env): ChildProcess {
  const program =
    command === "dev" ? [createRequire(import.meta.url).resolve("next/dist/bin/next"), "dev"] : [path.join(ROOT, "server/start.js")];
  const nodeOptions = command === "start" ? { NODE_OPTIONS: [SERVER_NODE_OPTIONS, process.env.NODE_OPTIONS].filter(Boolean).join(" ") } : {};
  return spawn(process.execPath, [...program, ...args], {
    cwd: ROOT,
    // Next.js loads the .env files itself; only the database settings (and in development the mail's and the provider's) come from here.
    env: { ...process.env, ...launcherEnv, ...nodeOptions, NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "inherit", "inherit"],
    detached: true,
  });
}

function exitOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once("error", (error) => {
      console.error(`Could not start Next.js: ${error.message}`);
      resolve(1);
    });
    child.once("exit", (code, signal) => resolve(code ?? (signal ? exitCodeFor(signal) : 1)));
  });
}

// --- main ------------------------------------------------------------------------

function parseArgs(argv: string[]): { command: Command; args: string[] } {
  const [command, ...rest] = argv;
  if (!isCommand(command)) throw new Error(`usage: tsx --conditions=react-server scripts/run.ts ${COMMANDS.join("|")} [-- next args]`);
  return { command, args: rest[0] === "--" ? rest.slice(1) : rest };
}

function envMode(command: Command): EnvMode {
  if (command === "dev") return "development";
  if (command === "start") return "production";
  return modeOf(process.env);
}

async function main(argv: string[]): Promise<number> {
  const { command, args } = parseArgs(argv);
  const env = withEnvFiles(process.env, envMode(command), ROOT);
  // The database settings, and the lifetimes the prune needs: a bad one stops here, before any database starts.
  const settings = maintenanceConfig(env);
  const signals = new Signals();
  if (command === "dev") {
    const file = ensureDevSecret(env, ROOT);
    if (file) log(`Generated development secrets (JWT_SECRET, TOTP_ENCRYPTION_KEY) in ${path.relative(process.cwd(), file) || file}.`);
  }
  // Refuse before starting anything, rather than after migrating a production database.
  if (command === "seed") (await import("@/prisma/seed")).assertSeedAllowed(settings.production);

  let database: ResolvedDatabase | undefined;
  let mail: Awaited<ReturnType<typeof devMail>> | undefined;
  let provider: Awaited<ReturnType<typeof devProvider>> | undefined;
  try {
    database = await timed("Database ready", () => resolveDatabase(settings));
    log(`Data: ${database.description}`);
    const url = database.url;
    if (signals.received) return exitCodeFor(signals.received);

    if (command === "prune") {
      await runPrune(url, settings);
      return 0;
    }

    const migrations = migrationTarget(settings, database);
    const applied = await timed("Migrations checked", () => applyMigrations(migrations.url));
    log(applied.length ? `Applied ${applied.join(", ")}` : "No pending migrations.");
    if (signals.received) return exitCodeFor(signals.received);

    if (command === "seed") {
      await runSeed(url, settings, false);
      return 0;
    }
    if (command === "dev") await runSeed(url, settings, true);
    if (signals.received) return exitCodeFor(signals.received);

    const port = nextPort(args, env);
    if (command === "dev") mail = await devMail(env, port);
    if (command === "dev") provider = await devProvider(env, env.APP_URL ?? `http://localhost:${port}`, url, settings);
    if (signals.received) return exitCodeFor(signals.received);
    log(`App: http://localhost:${port}`);
    // Next.js 16 prefers proxy.ts, which runs on Node.js only; the token check is meant to run on the Edge runtime.
    if (command === "dev") log("middleware.ts is deliberate (it runs on the Edge runtime): Next.js's notice that the convention is deprecated is expected.");
    const child = spawnNext(command, args, { DATABASE_URL: url, ...mail?.env, ...provider?.env });
    signals.watch(child);
    return await exitOf(child);
  } finally {
    await provider?.close();
    await mail?.close();
    await database?.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
    process.exit(1);
  },
);
