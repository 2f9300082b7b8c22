/**
 * The bcrypt worker pool sizes itself to the cores it gets: a serverless function of
 * one vCPU must not start four workers that fight its event loop for that one core,
 * and a larger host should hash several passwords at once.
 */
import { describe, expect, it, vi } from "vitest";

const cores = vi.hoisted(() => ({ available: 2 }));

vi.mock("node:os", async (importOriginal) => {
  const os = await importOriginal<typeof import("node:os")>();
  const availableParallelism = () => cores.available;
  return { ...os, availableParallelism, default: { ...os, availableParallelism } };
});

const { bcryptPoolSize } = await import("@/lib/auth/passwords/bcrypt-pool");

describe("the bcrypt pool's size", () => {
  it("leaves one core to the event loop, with at least one worker and at most four", () => {
    expect([1, 2, 3, 4, 5, 8, 64].map((count) => bcryptPoolSize(count))).toEqual([1, 1, 2, 3, 4, 4, 4]);
  });

  it("follows the cores this process may use, as Node reports them", () => {
    cores.available = 1;
    expect(bcryptPoolSize()).toBe(1);
    cores.available = 3;
    expect(bcryptPoolSize()).toBe(2);
    cores.available = 16;
    expect(bcryptPoolSize()).toBe(4);
  });
});
