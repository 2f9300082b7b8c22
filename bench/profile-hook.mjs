// @ts-check
/**
 * Loaded with `--import` into the processes of a profiled server (bench/profile.ts):
 * the first SIGUSR2 starts V8's sampling profiler, the next one stops it and writes
 * the profile to PROFILE_DIR as <pid>-<n>.cpuprofile, so a profile covers exactly
 * one load window and no start-up or warm-up. Without PROFILE_DIR it does nothing.
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import path from "node:path";

const dir = process.env.PROFILE_DIR;
const intervalUs = Number(process.env.PROFILE_INTERVAL_US ?? 250);

if (dir) {
  /** @type {Session | undefined} */
  let session;
  let count = 0;
  process.on("SIGUSR2", () => {
    if (!session) {
      session = new Session();
      session.connect();
      session.post("Profiler.enable");
      session.post("Profiler.setSamplingInterval", { interval: intervalUs });
      session.post("Profiler.start");
      return;
    }
    const running = session;
    session = undefined;
    running.post("Profiler.stop", (error, result) => {
      const file = path.join(dir, `${process.pid}-${count++}.cpuprofile`);
      if (error) console.error(`profile not written: ${error.message}`);
      else writeFileSync(file, JSON.stringify(result.profile));
      running.disconnect();
    });
  });
}
