import { describe, expect, it } from "vitest";
import { canEnter, embeddedUrl } from "@/tools/embedded-database";

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
