import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));

/**
 * Unit test files that replace modules with `vi.mock`. A replacement applies to
 * the modules a file imports after it, so it needs a module cache of its own: these
 * files keep a fresh worker each ("unit-mocks"). The others share one ("unit"), and
 * import each module once instead of once per file: the unit tests took 22 CPU-s,
 * now 13.
 */
const mockingUnitTests = readdirSync(`${root}tests/unit`, { recursive: true, encoding: "utf8" })
  .filter((file) => file.endsWith(".test.ts") && readFileSync(`${root}tests/unit/${file}`, "utf8").includes("vi.mock("))
  .map((file) => `tests/unit/${file}`);

export default defineConfig({
  resolve: {
    alias: {
      "@/": root,
      // `server-only` throws outside React's server build; unit tests are server code already.
      "server-only": fileURLToPath(new URL("./tests/support/server-only.ts", import.meta.url)),
    },
  },
  test: {
    // Files that mock nothing share one worker (`isolate: false`) instead of each starting
    // a process and importing every module again: that start-up was half of the CPU the
    // security and integration lanes spent, and more than half of the unit tests'.
    projects: [
      { extends: true, test: { name: "unit", include: ["tests/unit/**/*.test.ts"], exclude: mockingUnitTests, isolate: false } },
      { extends: true, test: { name: "unit-mocks", include: mockingUnitTests } },
      { extends: true, test: { name: "logs", include: ["tests/logs/**/*.test.ts"], isolate: false } },
      {
        extends: true,
        // One file at a time: the timing attacks compare medians of the server's answers, which
        // other files of the suite hammering the server at the same moment would blur.
        test: { name: "security", include: ["tests/security/**/*.test.ts"], testTimeout: 60_000, fileParallelism: false, isolate: false },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          testTimeout: 60_000,
          // Tests share one server and database with three other lanes; files run one after another.
          fileParallelism: false,
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: "instances",
          // Beside the shared server, on its database: app instances, launchers and database scripts of their own.
          include: ["tests/instances/**/*.test.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Each file's instances start processes that fill a core: one file at a time.
          fileParallelism: false,
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: "reliability",
          include: ["tests/reliability/**/*.test.ts"],
          // Each file owns a PostgreSQL server and app servers that it stops, kills and restarts.
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
