/**
 * TOTP codes against RFC 6238's own test vectors, the ±1 step window, and the
 * sealing of secrets at rest: a sealed secret opens only for its owner, intact,
 * under the key it was sealed with.
 */
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { matchingStep, totpFor } from "@/lib/auth/second-factor/totp";

/** RFC 6238 Appendix B: the SHA-1 secret "12345678901234567890", base32. */
const RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const totp = totpFor(RFC_SECRET, "rfc");

describe("TOTP codes", () => {
  // The RFC lists 8-digit values; a 6-digit code is their last six digits.
  it.each([
    [59, "287082"],
    [1111111109, "081804"],
    [1111111111, "050471"],
    [1234567890, "005924"],
    [2000000000, "279037"],
    [20000000000, "353130"],
  ])("at T=%i is %s (RFC 6238 Appendix B)", (seconds, code) => {
    expect(totp.generate({ timestamp: seconds * 1000 })).toBe(code);
    expect(matchingStep(totp, code, seconds * 1000)).toBe(Math.floor(seconds / 30));
  });

  const now = 1234567890 * 1000;
  const step = Math.floor(now / 1000 / 30);
  const codeAt = (offset: number) => totp.generate({ timestamp: now + offset * 30_000 });

  it("accepts the code of the step before and after, and names that step", () => {
    expect(matchingStep(totp, codeAt(-1), now)).toBe(step - 1);
    expect(matchingStep(totp, codeAt(0), now)).toBe(step);
    expect(matchingStep(totp, codeAt(1), now)).toBe(step + 1);
  });

  it("refuses the code of two steps before or after", () => {
    expect(matchingStep(totp, codeAt(-2), now)).toBeNull();
    expect(matchingStep(totp, codeAt(2), now)).toBeNull();
  });

  it.each(["", "05924", "0005924", " 005924", "005924 ", "00592a", "００５９２４", "-05924"])("refuses %j: not six digits", (code) => {
    expect(matchingStep(totp, code, now)).toBeNull();
  });

  it("labels the otpauth:// URL with the issuer and the username", () => {
    const url = new URL(totpFor(RFC_SECRET, "ada").toString());
    expect(url.protocol).toBe("otpauth:");
    expect(url.searchParams.get("secret")).toBe(RFC_SECRET);
    expect(url.searchParams.get("issuer")).toBe("Tessera");
    expect(url.searchParams.get("digits")).toBe("6");
    expect(url.searchParams.get("period")).toBe("30");
    expect(decodeURIComponent(url.pathname)).toContain("ada");
  });
});

describe("sealed secrets", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  const newKey = () => randomBytes(32).toString("base64");
  const owner = "00000000-0000-4000-8000-000000000001";

  /** The secret box of a process started with TOTP_ENCRYPTION_KEY=`key` (empty: none). */
  async function boxWith(key: string) {
    vi.stubEnv("JWT_SECRET", randomBytes(48).toString("base64"));
    vi.stubEnv("TOTP_ENCRYPTION_KEY", key);
    vi.resetModules();
    return import("@/lib/auth/second-factor/secret-box");
  }

  it("opens what it sealed, and the sealed value shows nothing of the secret", async () => {
    const box = await boxWith(newKey());
    const sealed = box.sealSecret(RFC_SECRET, owner);
    expect(sealed).not.toContain(RFC_SECRET);
    expect(sealed).toMatch(/^v1\./);
    expect(box.openSecret(sealed, owner)).toBe(RFC_SECRET);
    // A fresh IV each time: the same secret never seals to the same value.
    expect(box.sealSecret(RFC_SECRET, owner)).not.toBe(sealed);
  });

  it("refuses a value copied onto another account", async () => {
    const box = await boxWith(newKey());
    const sealed = box.sealSecret(RFC_SECRET, owner);
    expect(() => box.openSecret(sealed, "00000000-0000-4000-8000-000000000002")).toThrow();
  });

  it("refuses a tampered value", async () => {
    const box = await boxWith(newKey());
    const [version, iv, body] = box.sealSecret(RFC_SECRET, owner).split(".");
    const bytes = Buffer.from(body!, "base64url");
    bytes[0]! ^= 1;
    expect(() => box.openSecret([version, iv, bytes.toString("base64url")].join("."), owner)).toThrow();
    const tag = Buffer.from(body!, "base64url");
    tag[tag.length - 1]! ^= 1;
    expect(() => box.openSecret([version, iv, tag.toString("base64url")].join("."), owner)).toThrow();
    expect(() => box.openSecret(`v2.${iv}.${body}`, owner)).toThrow();
  });

  it("refuses a value sealed under another key", async () => {
    const sealed = (await boxWith(newKey())).sealSecret(RFC_SECRET, owner);
    const other = await boxWith(newKey());
    expect(() => other.openSecret(sealed, owner)).toThrow();
  });

  it("without a key seals nothing: service_unavailable", async () => {
    const box = await boxWith("");
    expect(box.canSealSecrets()).toBe(false);
    expect(() => box.sealSecret(RFC_SECRET, owner)).toThrow(expect.objectContaining({ code: "service_unavailable" }));
  });
});
