/**
 * bcrypt off the event loop. bcryptjs is pure JavaScript: on the main thread a
 * cost-12 hash is ~0.3 s of work in 100 ms slices, so a few concurrent sign-ins
 * stall every other request. A small pool of worker threads does the hashing
 * instead, with the same library, so stored hashes are unchanged.
 */
import "server-only";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { databaseConfig } from "@/lib/config";
import { processWide } from "@/lib/process-wide";

type Operation = "hash" | "compare";

interface Pending {
  resolve: (value: string | boolean) => void;
  reject: (error: Error) => void;
}

// Evaluated in each worker. It resolves bcryptjs from the app's directory, where
// `npm start`, the standalone server and the scripts all run.
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const { createRequire } = require("node:module");
const bcrypt = createRequire(process.cwd() + "/")("bcryptjs");
parentPort.on("message", ({ id, operation, password, saltOrHash }) => {
  try {
    const result = operation === "hash" ? bcrypt.hashSync(password, saltOrHash) : bcrypt.compareSync(password, saltOrHash);
    parentPort.postMessage({ id, result });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message || error) });
  }
});
`;

class BcryptPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  constructor(private readonly size: number) {}

  run(operation: Operation, password: string, saltOrHash: string | number): Promise<string | boolean> {
    const id = this.nextId++;
    const worker = this.worker(id % this.size);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, operation, password, saltOrHash });
    });
  }

  private worker(index: number): Worker {
    const existing = this.workers[index];
    if (existing) return existing;
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    // Idle workers must not keep the process alive (scripts exit when done).
    worker.unref();
    worker.on("message", ({ id, result, error }: { id: number; result?: string | boolean; error?: string }) => {
      const task = this.pending.get(id);
      this.pending.delete(id);
      if (error !== undefined) task?.reject(new Error(error));
      else task?.resolve(result!);
    });
    worker.on("error", (error) => this.fail(index, error));
    worker.on("exit", () => this.fail(index, new Error("bcrypt worker exited")));
    this.workers[index] = worker;
    return worker;
  }

  /** A dead worker fails the tasks it held and is replaced on next use. */
  private fail(index: number, error: Error): void {
    delete this.workers[index];
    for (const [id, task] of this.pending) {
      if (id % this.size === index) {
        this.pending.delete(id);
        task.reject(error);
      }
    }
  }
}

/**
 * Workers for the cores this process may use: one is left for the event loop,
 * with at least one worker and at most four. A serverless function gets the
 * vCPUs of its size (one on a small function, which then hashes on one worker
 * thread beside the event loop), a container the cores it is pinned to.
 * BCRYPT_WORKERS overrides it, for a host whose other work matters less than
 * its sign-ins (or more).
 */
export function bcryptPoolSize(cores = availableParallelism()): number {
  return Math.min(4, Math.max(1, cores - 1));
}

/** One pool per process (lib/process-wide.ts), of the size above. */
function bcryptPool(): BcryptPool {
  return processWide("bcryptPool", () => new BcryptPool(databaseConfig().bcryptWorkers ?? bcryptPoolSize()));
}

export async function bcryptHash(password: string, cost: number): Promise<string> {
  return (await bcryptPool().run("hash", password, cost)) as string;
}

export async function bcryptCompare(password: string, hash: string): Promise<boolean> {
  return (await bcryptPool().run("compare", password, hash)) as boolean;
}
