import path from "node:path";
import { describe, expect, it } from "vitest";
import { canEnter, embeddedUrl } from "@/tools/embedded-database";
import { blockedOnTheWay } from "@/tools/embedded-database/account";
import { planCluster, RELOCATION_BASE, relocatedHome } from "@/tools/embedded-database/places";

const postgres = { name: "postgres", uid: 101, gid: 104 };

describe("the embedded database's server account (as root, PostgreSQL runs as another user)", () => {
  it.each([
    ["a root directory open to all", { mode: 0o40755, uid: 0, gid: 0 }, true],
    ["a root directory others may enter but not list", { mode: 0o40711, uid: 0, gid: 0 }, true],
    ["a private root directory (mkdtemp, /root)", { mode: 0o40700, uid: 0, gid: 0 }, false],
    ["a directory its group may enter", { mode: 0o40710, uid: 0, gid: 104 }, true],
    ["its own directory", { mode: 0o40700, uid: 101, gid: 104 }, true],
    ["its own directory without the execute bit", { mode: 0o40600, uid: 101, gid: 0 }, false],
  ])("may enter %s: %s", (_name, stats, expected) => {
    expect(canEnter(stats, postgres)).toBe(expected);
  });
});

describe("the embedded database's URL", () => {
  it("carries the password URL-encoded, so any password survives the round trip", () => {
    const url = new URL(embeddedUrl(5433, "p@ss:w/rd?#"));
    expect(decodeURIComponent(url.password)).toBe("p@ss:w/rd?#");
    expect(url.hostname).toBe("127.0.0.1");
  });
});

/** A made-up tree: a root's home (0700) with a project inside, and /tmp. */
const tree: Record<string, { mode: number; uid: number; gid: number }> = {
  "/": { mode: 0o40755, uid: 0, gid: 0 },
  "/root": { mode: 0o40700, uid: 0, gid: 0 },
  "/root/app": { mode: 0o40755, uid: 0, gid: 0 },
  "/root/app/.data": { mode: 0o40711, uid: 0, gid: 0 },
  "/tmp": { mode: 0o41777, uid: 0, gid: 0 },
  "/tmp/app": { mode: 0o40755, uid: 0, gid: 0 },
  "/tmp/app/.data": { mode: 0o40711, uid: 0, gid: 0 },
  "/var": { mode: 0o40755, uid: 0, gid: 0 },
  "/var/lib": { mode: 0o40755, uid: 0, gid: 0 },
  "/var/lib/tessera": { mode: 0o40711, uid: 0, gid: 0 },
  "/var/lib/tessera/app-0123456789ab": { mode: 0o40700, uid: 101, gid: 104 },
};
const stat = (dir: string) => tree[dir] ?? { mode: 0o40700, uid: 0, gid: 0 };
const blockedFor = (target: string) => blockedOnTheWay(target, postgres, stat);

describe("where the embedded database's cluster lives", () => {
  it("finds the first folder on the way that the server account cannot enter", () => {
    expect(blockedFor("/root/app/.data")).toBe("/root");
    expect(blockedFor("/tmp/app/.data")).toBeUndefined();
    expect(blockedFor("/var/lib/tessera/app-0123456789ab")).toBeUndefined();
  });

  it("stays in the data dir when the server runs as this process's own account, even in a private folder", () => {
    expect(planCluster("/root/app/.data", "absent", undefined, blockedFor)).toEqual({ kind: "here", cluster: "/root/app/.data/postgres" });
  });

  it("stays in the data dir when the server account can reach it", () => {
    expect(planCluster("/tmp/app/.data", "absent", postgres, blockedFor)).toEqual({ kind: "here", cluster: "/tmp/app/.data/postgres" });
    expect(planCluster("/tmp/app/.data", "directory", postgres, blockedFor)).toEqual({ kind: "here", cluster: "/tmp/app/.data/postgres" });
  });

  it("moves a new cluster out of a root's home, to a directory of its own under /var/lib/tessera", () => {
    const plan = planCluster("/root/app/.data", "absent", postgres, blockedFor);
    const home = relocatedHome("/root/app/.data");
    expect(plan).toEqual({ kind: "relocate", cluster: `${home}/postgres`, home, blocked: "/root" });
    expect(path.dirname(home)).toBe(RELOCATION_BASE);
  });

  it("names that directory after the project and tells two data dirs apart, the same way every time", () => {
    const home = relocatedHome("/root/app/.data");
    expect(path.basename(home)).toMatch(/^app-[0-9a-f]{12}$/);
    expect(relocatedHome("/root/app/.data")).toBe(home);
    expect(relocatedHome("/root/other/app/.data")).not.toBe(home);
    expect(relocatedHome("/root/app/.data-two")).not.toBe(home);
    expect(path.basename(relocatedHome("/root/my app;rm -rf/.data"))).toMatch(/^[A-Za-z0-9._-]+$/);
  });

  it("follows the data dir's link, resolved against the data dir, to a cluster the account can reach", () => {
    expect(planCluster("/root/app/.data", { linkTo: "/var/lib/tessera/app-0123456789ab/postgres" }, postgres, blockedFor)).toEqual({
      kind: "linked",
      cluster: "/var/lib/tessera/app-0123456789ab/postgres",
    });
    expect(planCluster("/tmp/app/.data", { linkTo: "../cluster" }, undefined, blockedFor)).toEqual({ kind: "linked", cluster: "/tmp/app/cluster" });
  });

  it("refuses, rather than moves, a cluster that already exists where the account cannot reach it, or a link to such a place", () => {
    expect(planCluster("/root/app/.data", "directory", postgres, blockedFor)).toEqual({
      kind: "unreachable",
      cluster: "/root/app/.data/postgres",
      blocked: "/root",
    });
    expect(planCluster("/tmp/app/.data", { linkTo: "/root/cluster" }, postgres, blockedFor)).toEqual({
      kind: "unreachable",
      cluster: "/root/cluster",
      blocked: "/root",
    });
  });
});
