/**
 * The middleware's size as an Edge function: its files, as `.next/server/
 * middleware-manifest.json` lists them, joined and gzipped the way Vercel's builder
 * does before it checks the size limit (`@vercel/next`: `globalThis._ENTRIES = {};`,
 * then each file after a `\n/**\/;` separator, plus any wasm, gzipped as one buffer).
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { z } from "zod";

export interface EdgeBundle {
  files: string[];
  rawBytes: number;
  gzipBytes: number;
}

const manifestSchema = z.object({
  middleware: z.record(z.string(), z.object({ files: z.array(z.string()), wasm: z.array(z.object({ filePath: z.string() })).optional() })),
});

/** The middleware bundle of the build in `root`/.next. */
export function measureEdgeBundle(root: string): EdgeBundle {
  const serverDir = path.join(root, ".next");
  const manifestFile = path.join(serverDir, "server", "middleware-manifest.json");
  if (!existsSync(manifestFile)) throw new Error(`no ${manifestFile}: build the app first`);
  const manifest = manifestSchema.parse(JSON.parse(readFileSync(manifestFile, "utf8")));
  const entries = Object.values(manifest.middleware);
  if (entries.length === 0) throw new Error("the build has no Edge middleware");
  const files = [...new Set(entries.flatMap((entry) => entry.files))];
  const wasm = [...new Set(entries.flatMap((entry) => (entry.wasm ?? []).map((file) => file.filePath)))];
  // Paths in the manifest are relative to .next.
  const code = files.map((file) => readFileSync(path.join(serverDir, file)));
  const joined = Buffer.concat([Buffer.from("globalThis._ENTRIES = {};"), ...code.flatMap((content) => [Buffer.from("\n/**/;"), content])]);
  const wasmBuffers = wasm.map((file) => readFileSync(path.join(serverDir, file)));
  const rawBytes = code.reduce((sum, content) => sum + content.length, 0) + wasmBuffers.reduce((sum, content) => sum + content.length, 0);
  return { files: [...files, ...wasm], rawBytes, gzipBytes: gzipSync(Buffer.concat([joined, ...wasmBuffers])).length };
}
