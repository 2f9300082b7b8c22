/**
 * Where a request's server CPU goes: V8's sampling profiler inside the production
 * server (`npm start`, embedded database) while autocannon loads one route at a time
 * over loopback, in short windows, the routes interleaved over several rounds (so a
 * busy moment of the shared machine falls on all of them). Two sets, each on its own server:
 *
 *   pages          / beside /dashboard (signed in), the app's build, session cache as configured by default
 *   session-check  /api/auth/me beside the bench's reference route (bench/bench-tree.ts)
 *                  and /api/health, on the bench copy with SESSION_CACHE=off
 *
 *   tsx bench/profile.ts [pages] [session-check] [--rounds 6] [--seconds 3] [--no-build]
 *
 * Writes each window's .cpuprofile (for Chrome DevTools or speedscope) and a summary
 * (CPU per request by category, costliest functions) to bench/out/profiles/.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { PROJECT_ROOT, type AppServer } from "@/tools/app-server";
import { benchTree, REFERENCE_ROUTE } from "./bench-tree";
import { build } from "./builds";
import { analyse, compareTable, topFunctions, type Breakdown, type CpuProfile } from "./cpu-profile";
import { cell, expectOk, type Target } from "./load";
import { log } from "./plan";
import { seedUserCookie, withServers, type BenchServers } from "./servers";
import { median } from "./stats";

const OUT = path.join(PROJECT_ROOT, "bench/out/profiles");
const HOOK = pathToFileURL(path.join(PROJECT_ROOT, "bench/profile-hook.mjs")).href;

function flag(name: string, fallback: number): number {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

const SECONDS = flag("--seconds", 3);
const ROUNDS = flag("--rounds", 6);
const CONNECTIONS = 10;
const sets = ["pages", "session-check"].filter((set) => process.argv.includes(set));
if (sets.length === 0) sets.push("pages", "session-check");

interface Window {
  label: string;
  breakdown: Breakdown;
  requests: number;
  seconds: number;
  /** The Next.js process's CPU per request in each round, µs. */
  cpuUs: number[];
}

/** Waits until the server process has written its next profile to `dir`. */
async function nextProfile(dir: string, before: Set<string>): Promise<string> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const fresh = readdirSync(dir).filter((file) => file.endsWith(".cpuprofile") && !before.has(file));
    if (fresh.length) {
      await new Promise((resolve) => setTimeout(resolve, 500)); // let the write finish
      return path.join(dir, fresh[0]!);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("the server wrote no profile");
}

interface Contender {
  label: string;
  target: Target;
}

function merge(into: Breakdown, from: Breakdown): void {
  into.windowUs += from.windowUs;
  for (const key of ["categories", "functions"] as const) for (const [name, us] of from[key]) into[key].set(name, (into[key].get(name) ?? 0) + us);
}

/**
 * Profiled load windows on each target in turn, ROUNDS times with the order
 * rotated (as bench/interleaved.ts does), each after an unprofiled warm-up:
 * a busy moment of the shared machine falls on all of them alike. The
 * breakdowns are summed over the rounds; the last round's profile is kept.
 */
async function profileRounds(server: AppServer, dir: string, contenders: Contender[]): Promise<Window[]> {
  const windows = new Map<string, Window>();
  for (const { target } of contenders) {
    await expectOk(server, target);
    await cell(server, target, CONNECTIONS, 3, false);
  }
  const pid = server.serverPid();
  for (let round = 0; round < ROUNDS; round++) {
    const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]!);
    for (const { label, target } of order) {
      const before = new Set(readdirSync(dir));
      process.kill(pid, "SIGUSR2");
      const measured = await cell(server, target, CONNECTIONS, SECONDS);
      process.kill(pid, "SIGUSR2");
      const file = await nextProfile(dir, before);
      const saved = path.join(OUT, `${label.replace(/[^a-z0-9]+/gi, "-").replace(/^-|-$/g, "")}.cpuprofile`);
      writeFileSync(saved, readFileSync(file));
      const breakdown = analyse(JSON.parse(readFileSync(file, "utf8")) as CpuProfile, server.options.cwd);
      const window = windows.get(label);
      if (!window) {
        windows.set(label, { label, breakdown, requests: measured.requests, seconds: measured.seconds, cpuUs: [measured.nextCpuUsPerRequest ?? Number.NaN] });
      } else {
        merge(window.breakdown, breakdown);
        window.requests += measured.requests;
        window.seconds += measured.seconds;
        window.cpuUs.push(measured.nextCpuUsPerRequest ?? Number.NaN);
      }
      log(`round ${round + 1}/${ROUNDS} ${label}: ${measured.requests} requests, ${Math.round(measured.requestsPerSecond)} req/s`);
    }
  }
  return contenders.map(({ label }) => windows.get(label)!);
}

async function profiled(servers: BenchServers, name: string, cwd: string, env: Record<string, string>): Promise<{ server: AppServer; dir: string }> {
  const dir = path.join(servers.dataDir, `${name}-profiles`);
  mkdirSync(dir, { recursive: true });
  const server = await servers.start({ name, subdir: name, bcryptCost: 10, cwd, env: { ...env, NODE_OPTIONS: `--import=${HOOK}`, PROFILE_DIR: dir } });
  server.seed();
  return { server, dir };
}

function summary(title: string, windows: Window[]): string {
  const parts = [
    `## ${title}`,
    "",
    windows
      .map((w) => `- ${w.label}: ${Math.round(w.requests / w.seconds)} req/s over ${ROUNDS} rounds of ${SECONDS} s at ${CONNECTIONS} connections; Next.js process CPU per request, median of the rounds: ${Math.round(median(w.cpuUs))} µs`)
      .join("\n"),
    "",
    compareTable(windows),
  ];
  for (const w of windows) parts.push("", `### Costliest functions, ${w.label} (self time)`, "", topFunctions(w.breakdown, w.requests));
  return parts.join("\n");
}

async function main(): Promise<void> {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const sections: string[] = [];
  await withServers(async (servers) => {
    if (sets.includes("pages")) {
      build(PROJECT_ROOT, "app");
      const { server, dir } = await profiled(servers, "app", PROJECT_ROOT, {});
      const cookie = await seedUserCookie(server);
      const windows = await profileRounds(server, dir, [
        { label: "GET /", target: { path: "/" } },
        { label: "GET /dashboard", target: { path: "/dashboard", cookie } },
      ]);
      sections.push(summary("Pages: / and /dashboard (signed in)", windows));
      await servers.stop(server);
    }
    if (sets.includes("session-check")) {
      const tree = benchTree(PROJECT_ROOT);
      try {
        build(tree, "bench copy");
        const { server, dir } = await profiled(servers, "copy", tree, { SESSION_CACHE: "off" });
        const cookie = await seedUserCookie(server);
        const windows = await profileRounds(server, dir, [
          { label: "GET /api/auth/me", target: { path: "/api/auth/me", cookie } },
          { label: `GET ${REFERENCE_ROUTE}`, target: { path: REFERENCE_ROUTE, cookie } },
          { label: "GET /api/health", target: { path: "/api/health" } },
        ]);
        sections.push(summary("Session check without the cache: /api/auth/me, the reference route, /api/health (SESSION_CACHE=off)", windows));
        await servers.stop(server);
      } finally {
        rmSync(tree, { recursive: true, force: true });
      }
    }
  });
  const text = `# CPU profiles\n\n${sections.join("\n\n")}\n`;
  writeFileSync(path.join(OUT, "summary.md"), text);
  console.log(text);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
