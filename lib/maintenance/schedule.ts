/**
 * The server prunes its own database (lib/maintenance/prune.ts): once at
 * start-up, then every hour, so no cron job is needed. The timer is unref'd
 * (it never keeps a stopping server alive), and a failed run (the database is
 * down, say) is one log line, never a crash; the next hour tries again. With
 * several instances, the advisory lock lets one of them do each run.
 */
import "server-only";
import { config } from "@/lib/config";
import { db } from "@/lib/db/client";
import { log } from "@/lib/log";
import { prune } from "@/lib/maintenance/prune";
import { processWide } from "@/lib/process-wide";

const EVERY_MS = 60 * 60 * 1000;

/** One run, logged as one JSON line (`prune` with the counts, or `prune_failed`). */
async function pruneAndLog(): Promise<void> {
  const started = performance.now();
  try {
    const result = await prune(db, config());
    log.info({ ...result, ms: Math.round(performance.now() - started) }, "prune");
  } catch (error) {
    log.error({ err: error }, "prune_failed");
  }
}

/** Once per process (lib/process-wide.ts): `next dev` evaluates the start-up module again after edits. */
export function startPruning(): void {
  processWide("pruneTimer", () => {
    setTimeout(() => void pruneAndLog(), 0).unref();
    return setInterval(() => void pruneAndLog(), EVERY_MS).unref();
  });
}
