import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ensureDevSecret } from "@/scripts/dev-secret";
import { withEnvFiles } from "@/scripts/env-files";
import { parseConfig } from "@/lib/config";

describe("development secret", () => {
  it("writes a random secret of at least 32 bytes into .env.local, keeping what was there", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "tessera-secret-"));
    writeFileSync(path.join(dir, ".env.local"), "COOKIE_SAMESITE=Strict");
    expect(ensureDevSecret({}, dir)).toBe(path.join(dir, ".env.local"));
    const env = withEnvFiles({}, "development", dir);
    expect(env.COOKIE_SAMESITE).toBe("Strict");
    expect(Buffer.from(env.JWT_SECRET!, "base64").length).toBe(48);
    expect(parseConfig(env).jwt.secret).toBe(env.JWT_SECRET);
    expect(parseConfig(env).totpEncryptionKey).toHaveLength(32);
  });

  it("adds the TOTP key to a checkout that already has its JWT secret, keeping the secret", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "tessera-secret-"));
    writeFileSync(path.join(dir, ".env.local"), "JWT_SECRET=kept-secret-kept-secret-kept-secret-0000\n");
    ensureDevSecret(withEnvFiles({}, "development", dir), dir);
    const env = withEnvFiles({}, "development", dir);
    expect(env.JWT_SECRET).toBe("kept-secret-kept-secret-kept-secret-0000");
    expect(Buffer.from(env.TOTP_ENCRYPTION_KEY!, "base64").length).toBe(32);
  });

  it("gives every checkout its own secret and never replaces one", () => {
    const [a, b] = [1, 2].map(() => mkdtempSync(path.join(tmpdir(), "tessera-secret-")));
    ensureDevSecret({}, a!);
    ensureDevSecret({}, b!);
    const secretOf = (dir: string) => withEnvFiles({}, "development", dir).JWT_SECRET;
    expect(secretOf(a!)).not.toBe(secretOf(b!));
    const first = readFileSync(path.join(a!, ".env.local"), "utf8");
    expect(ensureDevSecret(withEnvFiles({}, "development", a!), a!)).toBeUndefined();
    expect(readFileSync(path.join(a!, ".env.local"), "utf8")).toBe(first);
  });
});
