import { describe, expect, it } from "vitest";
import { existingProcessWide, processWide } from "@/lib/process-wide";

describe("processWide", () => {
  it("makes a value once per process, and a second copy of the module finds the same one", async () => {
    let made = 0;
    const first = processWide("test.pool", () => ({ id: ++made }));
    // Another copy of the module, as the build makes one for each server layer that imports it.
    // (A query string makes it a module of its own; the name is held in a variable for TypeScript's sake.)
    const anotherLayer = "@/lib/process-wide?another-layer";
    const copy = (await import(/* @vite-ignore */ anotherLayer)) as typeof import("@/lib/process-wide");
    expect(copy.processWide).not.toBe(processWide);
    expect(copy.processWide("test.pool", () => ({ id: ++made }))).toBe(first);
    expect(processWide("test.pool", () => ({ id: ++made }))).toBe(first);
    expect(made).toBe(1);
  });

  it("keeps a null it made, and tells what exists without making it", () => {
    expect(existingProcessWide("test.off")).toBeUndefined();
    let calls = 0;
    expect(processWide("test.off", () => (calls++, null))).toBeNull();
    expect(processWide("test.off", () => (calls++, null))).toBeNull();
    expect(calls).toBe(1);
    expect(existingProcessWide("test.off")).toBeNull();
  });
});
