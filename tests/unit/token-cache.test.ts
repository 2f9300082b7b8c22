import { describe, expect, it } from "vitest";
import { base64url } from "jose";
import { buildKeySet, type KeySet } from "@/lib/edge/keys";
import { VerifiedTokenCache, type TokenCacheLimits } from "@/lib/edge/token-cache";
import { signAccessToken, verifyAccessToken, type TokenSettings } from "@/lib/edge/tokens";
import { codeOf } from "../support/outcome";

const SECRET = "a-test-secret-that-is-long-enough-for-hs256-0001";
const settings: TokenSettings = { issuer: "tessera", audience: "tessera", ttlSeconds: 60 };
const T0 = new Date("2026-12-01T10:00:00Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

function keys(secret = SECRET): Promise<KeySet> {
  return buildKeySet({ alg: "HS256", secret });
}

function subject(n = 0) {
  return { userId: crypto.randomUUID(), username: `user${n}`, role: "USER" as const, sessionId: crypto.randomUUID(), amr: ["pwd" as const], authTime: new Date() };
}

async function tokenFor(set: KeySet, n = 0, issuedAt = T0, ttlSeconds = settings.ttlSeconds): Promise<string> {
  return (await signAccessToken(subject(n), set, { ...settings, ttlSeconds }, issuedAt)).token;
}

function cache(limits: Partial<TokenCacheLimits> = {}) {
  return new VerifiedTokenCache({ maxEntries: 100, maxEntrySeconds: 900, ...limits });
}

describe("the verified-token cache", () => {
  it("answers a token it accepted before with the same claims, without verifying it again", async () => {
    const set = await keys();
    const token = await tokenFor(set);
    const verified = cache();
    const first = await verified.verify(token, set, settings, T0);
    expect(first).toEqual(await verifyAccessToken(token, set, settings, T0));
    // The very object it stored: a second verification would have built a new one.
    expect(await verified.verify(token, set, settings, at(30))).toBe(first);
    expect(verified.size).toBe(1);
  });

  it("refuses a remembered token once it has expired, as the full check does", async () => {
    const set = await keys();
    const token = await tokenFor(set);
    const verified = cache();
    const first = await verified.verify(token, set, settings, T0);
    expect(await verified.verify(token, set, settings, at(59))).toBe(first);
    // At or after `exp` the full check answers again: accepted within its 5 seconds of clock tolerance, then expired.
    for (const seconds of [60, 64, 66, 600]) {
      expect(await codeOf(verified.verify(token, set, settings, at(seconds)))).toBe(await codeOf(verifyAccessToken(token, set, settings, at(seconds))));
    }
    expect(await codeOf(verified.verify(token, set, settings, at(66)))).toBe("token_expired");
    expect(await codeOf(verified.verify(token, set, settings, at(30)))).toBe("accepted");
  });

  it("keeps a long-lived token no longer than its bound, then checks it afresh", async () => {
    const set = await keys();
    const token = await tokenFor(set, 0, T0, 3600);
    const verified = cache({ maxEntrySeconds: 10 });
    const first = await verified.verify(token, set, settings, T0);
    expect(await verified.verify(token, set, settings, at(9))).toBe(first);
    const again = await verified.verify(token, set, settings, at(11));
    expect(again).toEqual(first);
    expect(again).not.toBe(first);
  });

  it("checks afresh when the clock has gone back to before the token was accepted", async () => {
    const set = await keys();
    const token = await tokenFor(set, 0, at(100));
    const verified = cache();
    await verified.verify(token, set, settings, at(100));
    // Issued 100 s after this moment: the full check refuses a token from the future.
    expect(await codeOf(verified.verify(token, set, settings, T0))).toBe("invalid_token");
  });

  it("forgets everything when the key set changes: a token is good only against the keys that accepted it", async () => {
    const old = await keys();
    const token = await tokenFor(old);
    const verified = cache();
    await verified.verify(token, old, settings, T0);
    expect(verified.size).toBe(1);

    const replaced = await keys("another-secret-that-is-long-enough-for-hs256-02");
    expect(await codeOf(verified.verify(token, replaced, settings, T0))).toBe("invalid_token");
    expect(verified.size).toBe(0);

    // The same keys imported again are another key set: emptied, then verified afresh.
    const first = await verified.verify(token, old, settings, T0);
    const reimported = await keys();
    const again = await verified.verify(token, reimported, settings, T0);
    expect(again).toEqual(first);
    expect(again).not.toBe(first);
  });

  it("forgets everything when the expected issuer or audience changes", async () => {
    const set = await keys();
    const token = await tokenFor(set);
    const verified = cache();
    await verified.verify(token, set, settings, T0);
    expect(await codeOf(verified.verify(token, set, { ...settings, audience: "another-app" }, T0))).toBe("invalid_token");
    expect(await codeOf(verified.verify(token, set, { ...settings, issuer: "another-issuer" }, T0))).toBe("invalid_token");
    expect(verified.size).toBe(0);
  });

  it("holds at most its size cap, dropping the least recently used token first", async () => {
    const set = await keys();
    const tokens = await Promise.all([1, 2, 3, 4, 5].map((n) => tokenFor(set, n)));
    const verified = cache({ maxEntries: 3 });
    const claims = [];
    for (const token of tokens.slice(0, 3)) claims.push(await verified.verify(token, set, settings, T0));
    // Token 1 is used again, so token 2 is now the least recently used.
    expect(await verified.verify(tokens[0]!, set, settings, at(1))).toBe(claims[0]);
    await verified.verify(tokens[3]!, set, settings, at(2));
    expect(verified.size).toBe(3);
    expect(await verified.verify(tokens[0]!, set, settings, at(3))).toBe(claims[0]);
    expect(await verified.verify(tokens[1]!, set, settings, at(3))).not.toBe(claims[1]);
    for (const token of tokens) await verified.verify(token, set, settings, at(4));
    expect(verified.size).toBe(3);
  });

  it("never remembers a forged token as valid", async () => {
    const set = await keys();
    const genuine = await tokenFor(set);
    const verified = cache();
    await verified.verify(genuine, set, settings, T0);
    const [header, payload, signature] = genuine.split(".");
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload!)));
    const escalated = `${header}.${base64url.encode(JSON.stringify({ ...claims, role: "ADMIN" }))}.${signature}`;
    const stranger = await tokenFor(await keys("a-stranger-secret-that-is-long-enough-for-hs256"));
    for (const forged of [escalated, stranger, `${header}.${payload}.`, `${genuine}x`]) {
      for (let attempt = 0; attempt < 2; attempt++) expect(await codeOf(verified.verify(forged, set, settings, T0))).toBe("invalid_token");
    }
    expect(verified.size).toBe(1);
  });

  it("refuses an oversized token without remembering it", async () => {
    const set = await keys();
    const verified = cache();
    expect(await codeOf(verified.verify("x".repeat(5000), set, settings, T0))).toBe("invalid_token");
    expect(verified.size).toBe(0);
  });
});
