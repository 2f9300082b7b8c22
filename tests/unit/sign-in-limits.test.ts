import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { databaseConfig, parseConfig } from "@/lib/config";
import { acceptedCookieNames, cookieName, cookieOptions } from "@/lib/edge/cookies";
import { topUpCosts } from "@/lib/auth/passwords/hash";

const base = { JWT_SECRET: "s".repeat(40) };

describe("the device cookie", () => {
  it("is httpOnly, Path=/, SameSite as the session cookie, and __Host- when Secure", () => {
    const options = cookieOptions("device", parseConfig({ ...base, NODE_ENV: "production" }), false, 3600);
    expect(options).toMatchObject({ httpOnly: true, sameSite: "lax", secure: true, path: "/", maxAge: 3600 });
    expect(cookieOptions("device", parseConfig({ ...base, COOKIE_SAMESITE: "Strict" }), false, 1).sameSite).toBe("strict");
    expect(cookieName("device", true)).toBe("__Host-tessera_device");
    expect(cookieName("device", false)).toBe("tessera_device");
  });

  it("is read only under its __Host- name in production", () => {
    expect(acceptedCookieNames("device", true)).toEqual(["__Host-tessera_device"]);
    expect(acceptedCookieNames("device", false)).toEqual(["__Host-tessera_device", "tessera_device"]);
  });
});

describe("making up a cheaper hash's bcrypt work", () => {
  it("tops up a cost-10 compare with costs 10 and 11 to one cost-12 compare", () => {
    expect(topUpCosts(10, 12)).toEqual([10, 11]);
    expect(topUpCosts(12, 12)).toEqual([]);
    expect(topUpCosts(13, 12)).toEqual([]);
  });

  it("always adds up to exactly 2^target rounds", () => {
    fc.assert(
      fc.property(fc.integer({ min: 4, max: 15 }), fc.integer({ min: 10, max: 15 }), (stored, target) => {
        const rounds = 2 ** stored + topUpCosts(stored, target).reduce((sum, cost) => sum + 2 ** cost, 0);
        expect(rounds).toBe(2 ** Math.max(stored, target));
      }),
    );
  });
});

describe("BCRYPT_COST for the scripts", () => {
  it("is part of the database scripts' settings, so the seed hashes at the app's cost", () => {
    expect(databaseConfig({}).bcryptCost).toBe(12);
    expect(databaseConfig({ BCRYPT_COST: "11" }).bcryptCost).toBe(11);
    expect(parseConfig({ ...base, BCRYPT_COST: "11" }).bcryptCost).toBe(11);
  });
});
