/**
 * Processes that each own the embedded database of a directory, as the
 * launcher does (tests/support/embedded-owner.ts), for tests of its start,
 * stop and recovery: started here, stopped with SIGTERM, and all stopped by
 * `stopAll` after a test.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { queryAt } from "./sql";
import { runningEmbeddedUrl } from "@/tools/embedded-database";
import { PROJECT_ROOT } from "@/tools/app-server";

export interface StartedOwner {
  owner: ChildProcess;
  /** "started" when it started the server, "reused" when another process serves the directory. */
  how: string;
  /** What it printed before it was ready. */
  output: string;
}

export class EmbeddedOwners {
  private readonly owners: ChildProcess[] = [];

  start(dir: string): Promise<StartedOwner> {
    const owner = spawn(process.execPath, ["--import", "tsx", "tests/support/embedded-owner.ts", dir], { cwd: PROJECT_ROOT });
    this.owners.push(owner);
    let output = "";
    owner.stderr!.on("data", (chunk) => (output += chunk));
    return new Promise((resolve, reject) => {
      owner.stdout!.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        const how = /ready (\w+)/.exec(output)?.[1];
        if (how) resolve({ owner, how, output });
      });
      owner.once("exit", (code) => reject(new Error(`the owner exited (${code}) before the database was ready:\n${output}`)));
    });
  }

  async stop(owner: ChildProcess): Promise<void> {
    if (owner.exitCode !== null || owner.signalCode !== null) return;
    const exited = once(owner, "exit");
    owner.kill("SIGTERM");
    await exited;
  }

  async stopAll(): Promise<void> {
    for (const owner of this.owners.splice(0)) await this.stop(owner);
  }
}

/** Runs one statement on the embedded database that another process serves from `dir`, as tools and tests connect to it. */
export function sqlIn<Row extends Record<string, unknown>>(dir: string, text: string): Promise<Row[]> {
  return queryAt<Row>(runningEmbeddedUrl(dir), text);
}
