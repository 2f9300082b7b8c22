/** Waiting for something a server or process does in its own time (a restart, a stop, a background prune), without a fixed sleep. */

export interface Patience {
  /** Fail once this long has passed (30 s by default). */
  withinMs?: number;
  /** How often to look (every 200 ms by default). */
  everyMs?: number;
}

/** Polls until `ready()` holds (a rejection counts as not yet) and returns how long that took; fails after `withinMs`. */
export async function eventually(what: string, ready: () => boolean | Promise<boolean>, { withinMs = 30_000, everyMs = 200 }: Patience = {}): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < withinMs) {
    if (await Promise.resolve().then(ready).catch(() => false)) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(`${what}: not within ${withinMs / 1000} s`);
}
