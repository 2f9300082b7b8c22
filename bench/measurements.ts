/** What one run measured, step by step: what bench/table.ts judges and results.json records. */
import type { AppFootprint } from "@/tools/app-server";
import type { DatabaseComparison } from "./database";
import type { EdgeBundle } from "./edge-bundle";
import type { FreshClone } from "./fresh-clone";
import type { MiddlewareComparison } from "./middleware";
import type { ReferenceComparison } from "./reference";
import type { SignIns } from "./sign-ins";
import type { Throughput } from "./throughput";
import type { VerifyResult } from "./verify";

export interface Machine {
  node: string;
  cpus: number;
  cpuModel: string;
  loadAverageAtStart: number[];
}

/** Memory and CPU time of a server's processes just before it is stopped. */
export interface MemoryReading {
  when: string;
  footprint: AppFootprint;
}

export interface Measurements {
  /** The middleware as an Edge function, from the app's build. */
  edgeBundle: EdgeBundle;
  verify: VerifyResult[];
  /** By connection level. */
  http: Record<number, Throughput>;
  middleware: MiddlewareComparison;
  /** /api/auth/me beside the reference route: session cache as by default, then off. */
  reference: ReferenceComparison[];
  signIns: SignIns[];
  database: DatabaseComparison;
  memory: MemoryReading[];
  freshClone: FreshClone;
}
