/**
 * Reads a V8 .cpuprofile of the server and says where its CPU time went: each
 * sample's frame is mapped back through the build's source maps (Next.js's
 * compiled runtime and Turbopack's chunks ship them) to its original file, which
 * puts it in a category (React rendering, Prisma, the pg driver, jose, our own
 * modules…). Frames without a file (V8 builtins such as JSON.stringify) count
 * towards the nearest caller that has one.
 */
import { existsSync, readFileSync } from "node:fs";
import { SourceMap, type SourceMapPayload } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's code came from, after the source maps. */
interface Origin {
  source: string;
  line: number;
  name: string;
}

export interface Breakdown {
  /** Sampled time in the window, µs, idle included. */
  windowUs: number;
  /** µs of CPU (not idle) by category. */
  categories: Map<string, number>;
  /** µs of self time by function ("name (file:line)"), builtins under their own names. */
  functions: Map<string, number>;
}

/** Category of an original source path, first match wins: what a reader of the profile wants to tell apart. */
const CATEGORIES: [RegExp, string][] = [
  [/react-server-dom|ReactFlight/i, "React: server components payload (Flight)"],
  [/react-dom|ReactFizz|ReactDOM/i, "React: HTML rendering (Fizz)"],
  [/[/\\]react[/\\]|^react$/, "React: core"],
  [/query_compiler|^wasm:/, "Prisma: query compiler (wasm)"],
  [/@prisma[/\\]adapter-pg|driver-adapter-utils/, "Prisma: pg adapter"],
  [/@prisma[/\\]client|lib[/\\]db[/\\]generated/, "Prisma: client runtime"],
  [/node_modules[/\\](pg|pg-protocol|pg-pool|pg-types|postgres-[a-z]+|pgpass)[/\\]/, "pg driver"],
  [/[/\\]jose[/\\]/, "jose"],
  [/[/\\]pino|sonic-boom|thread-stream/, "pino"],
  [/[/\\]zod[/\\]/, "zod"],
  [/edge-runtime|server[/\\]web[/\\]|sandbox/, "Next.js: middleware (Edge sandbox)"],
  [/server[/\\]app-render|server[/\\]route-modules|lib[/\\]metadata|client[/\\]components/, "Next.js: app render"],
  [/[/\\]next[/\\]|^next[/\\]|webpack:\/\/next/, "Next.js: server, routing, response"],
  [/node_modules/, "other packages"],
];

/** Node.js's own modules, by what they do. */
const NODE_GROUPS: [RegExp, string][] = [
  [/async_hooks|async_local_storage/, "Node.js: async_hooks (AsyncLocalStorage)"],
  [/stream|webstreams|buffer|encoding|string_decoder/, "Node.js: streams, buffers"],
  [/http|net|stream_base|tcp|dns|tls/, "Node.js: http, sockets"],
  [/process|timers|task_queues|events|event_target/, "Node.js: event loop, timers, events"],
];

function nodeGroup(module: string): string {
  for (const [pattern, name] of NODE_GROUPS) if (pattern.test(module)) return name;
  return "Node.js: other";
}

function categoryOf(origin: Origin, url: string): string {
  if (origin.source.startsWith("(")) return origin.source;
  const projectFile = decodeURIComponent(origin.source).match(/\[project\][/\\]((?:lib|app|middleware|instrumentation|server)[^?]*)/)?.[1] ?? projectRelative(origin.source);
  if (projectFile && !projectFile.includes("node_modules") && !projectFile.startsWith(".next")) return `ours: ${projectFile}`;
  for (const [pattern, name] of CATEGORIES) if (pattern.test(origin.source)) return name;
  if (url.startsWith("node:")) return nodeGroup(url);
  return origin.source ? `other: ${path.basename(origin.source)}` : "other";
}

let projectRoot = "";

function projectRelative(source: string): string | undefined {
  if (!projectRoot || !source.startsWith(projectRoot)) return undefined;
  return path.relative(projectRoot, source);
}

/** Source maps by generated file, loaded once; null where a file has none. */
class SourceMaps {
  private readonly maps = new Map<string, SourceMap | null>();

  origin(frame: CallFrame): Origin {
    const { url, functionName } = frame;
    const name = functionName || "(anonymous)";
    if (!url) return { source: "", line: 0, name };
    if (!url.startsWith("file://")) return { source: url, line: frame.lineNumber + 1, name };
    const file = fileURLToPath(url);
    const map = this.load(file);
    const entry = map?.findEntry(frame.lineNumber, frame.columnNumber);
    if (entry && "originalSource" in entry && entry.originalSource) {
      // Next.js's own maps name their sources relative to the compiled file (../../src/server/…).
      const source = /^[a-z]+:|^\//i.test(entry.originalSource) ? entry.originalSource : this.resolve(file, entry.originalSource);
      return { source, line: entry.originalLine + 1, name: functionName || (entry as { name?: string }).name || "(anonymous)" };
    }
    return { source: file, line: frame.lineNumber + 1, name };
  }

  /** A relative source: beside the compiled file (Next.js's maps), else in the project (Turbopack's Edge chunks). */
  private resolve(file: string, source: string): string {
    const beside = path.resolve(path.dirname(file), decodeURIComponent(source));
    if (existsSync(beside) || !projectRoot) return beside;
    const inProject = path.resolve(projectRoot, decodeURIComponent(source).replace(/^(\.\.\/)+/, ""));
    return existsSync(inProject) ? inProject : beside;
  }

  private load(file: string): SourceMap | null {
    if (this.maps.has(file)) return this.maps.get(file)!;
    let map: SourceMap | null = null;
    try {
      const mapFile = `${file}.map`;
      if (existsSync(mapFile)) {
        const payload = JSON.parse(readFileSync(mapFile, "utf8")) as SourceMapPayload & { sections?: unknown };
        // Turbopack writes index maps (sections); Node's SourceMap reads those too.
        map = new SourceMap(payload);
      }
    } catch {
      map = null;
    }
    this.maps.set(file, map);
    return map;
  }
}

const maps = new SourceMaps();

/** Shortens an original source path to what identifies it. */
function shortSource(source: string): string {
  const rel = projectRelative(source);
  if (rel) return rel;
  const project = source.match(/\[project\][/\\](.*)$/)?.[1];
  const inModules = (project ?? source).match(/node_modules[/\\](.*)$/)?.[1];
  return inModules ?? project ?? source.replace(/^webpack:\/\/\/?/, "").replace(/^turbopack:\/\/\/?/, "");
}

export function analyse(profile: CpuProfile, root: string): Breakdown {
  projectRoot = root;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const origins = new Map<number, Origin>();
  const originOf = (id: number): Origin => {
    let origin = origins.get(id);
    if (!origin) {
      const frame = byId.get(id)!.callFrame;
      origin = frame.functionName.startsWith("(") && !frame.url ? { source: frame.functionName, line: 0, name: frame.functionName } : maps.origin(frame);
      origins.set(id, origin);
    }
    return origin;
  };
  /** The category of a node, a builtin's being its nearest caller's with a file. */
  const categories = new Map<number, string>();
  const categoryOfNode = (id: number): string => {
    const known = categories.get(id);
    if (known) return known;
    const node = byId.get(id)!;
    const origin = originOf(id);
    let category: string;
    if (origin.source) category = categoryOf(origin, node.callFrame.url);
    else {
      const up = parent.get(id);
      category = up === undefined ? "(native)" : categoryOfNode(up);
    }
    categories.set(id, category);
    return category;
  };

  const selfUs = new Map<number, number>();
  let windowUs = 0;
  profile.samples.forEach((id, i) => {
    // A sample's time is the gap to the next one (the last sample gets the gap before it).
    const us = profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0;
    windowUs += us;
    selfUs.set(id, (selfUs.get(id) ?? 0) + us);
  });

  const categoryUs = new Map<string, number>();
  const functionUs = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const category = categoryOfNode(id);
    if (category === "(idle)") continue;
    categoryUs.set(category, (categoryUs.get(category) ?? 0) + us);
    const origin = originOf(id);
    const name = origin.source && !origin.source.startsWith("(") ? `${origin.name} (${shortSource(origin.source)}:${origin.line})` : `${origin.name} [in ${category}]`;
    functionUs.set(name, (functionUs.get(name) ?? 0) + us);
  }
  return { windowUs, categories: categoryUs, functions: functionUs };
}

/** The category breakdowns of several profiles side by side, in µs of CPU per request, biggest first. */
export function compareTable(runs: { label: string; breakdown: Breakdown; requests: number }[], top = 18): string {
  const totals = new Map<string, number>();
  for (const { breakdown, requests } of runs) for (const [category, us] of breakdown.categories) totals.set(category, (totals.get(category) ?? 0) + us / requests);
  const ordered = [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([category]) => category);
  const shown = ordered.slice(0, top);
  const rest = ordered.slice(top);
  const perRequest = (run: (typeof runs)[number], categories: string[]) =>
    categories.reduce((sum, category) => sum + (run.breakdown.categories.get(category) ?? 0), 0) / run.requests;
  const busy = (run: (typeof runs)[number]) => perRequest(run, ordered);
  const cell = (run: (typeof runs)[number], categories: string[]) => {
    const us = perRequest(run, categories);
    return `${Math.round(us)} µs (${Math.round((us / busy(run)) * 100)} %)`;
  };
  const lines = [`| CPU per request | ${runs.map((run) => run.label).join(" | ")} |`, `|---|${runs.map(() => "---:").join("|")}|`];
  for (const category of shown) lines.push(`| ${category} | ${runs.map((run) => cell(run, [category])).join(" | ")} |`);
  if (rest.length) lines.push(`| everything else (${rest.length} categories) | ${runs.map((run) => cell(run, rest)).join(" | ")} |`);
  lines.push(`| **in all** (requests profiled) | ${runs.map((run) => `**${Math.round(busy(run))} µs** (${run.requests})`).join(" | ")} |`);
  return lines.join("\n");
}

/** A profile's costliest functions by self time, µs per request. */
export function topFunctions(breakdown: Breakdown, requests: number, top = 25): string {
  const busy = [...breakdown.categories.values()].reduce((a, b) => a + b, 0);
  const lines = ["| function (original source) | self µs/req | share |", "|---|---:|---:|"];
  for (const [name, us] of [...breakdown.functions.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    lines.push(`| ${name.replace(/\|/g, "\\|")} | ${(us / requests).toFixed(1)} | ${((us / busy) * 100).toFixed(1)} % |`);
  }
  return lines.join("\n");
}
