/**
 * Secrets the server must read back (TOTP secrets), sealed at rest with
 * AES-256-GCM under TOTP_ENCRYPTION_KEY. Each sealed value is bound to its
 * owner's id as associated data, so a value copied onto another account's row
 * does not open. A database dump without the key yields no usable secret.
 */
import "server-only";
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { config } from "@/lib/config";
import { ApiError } from "@/lib/errors";

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

function key(): Buffer {
  const bytes = config().totpEncryptionKey;
  if (!bytes) {
    throw new ApiError("service_unavailable", "Two-factor sign-in is not set up on this server (TOTP_ENCRYPTION_KEY is missing).");
  }
  return Buffer.from(bytes);
}

/** Whether secrets can be sealed here: without a key, nobody can turn TOTP on. */
export function canSealSecrets(): boolean {
  return Boolean(config().totpEncryptionKey);
}

/** `v1.<iv>.<ciphertext and tag>`, base64url. */
export function sealSecret(plain: string, ownerId: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key(), iv).setAAD(Buffer.from(ownerId));
  const sealed = Buffer.concat([cipher.update(plain, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return [VERSION, iv.toString("base64url"), sealed.toString("base64url")].join(".");
}

/** The secret `sealSecret` sealed for `ownerId`; throws when the value was altered, moved or sealed under another key. */
export function openSecret(sealed: string, ownerId: string): string {
  const [version, iv, body] = sealed.split(".");
  if (version !== VERSION || !iv || !body) throw new Error("Not a sealed secret");
  const data = Buffer.from(body, "base64url");
  const decipher = createDecipheriv("aes-256-gcm", key(), Buffer.from(iv, "base64url")).setAAD(Buffer.from(ownerId));
  decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
  return Buffer.concat([decipher.update(data.subarray(0, data.length - TAG_BYTES)), decipher.final()]).toString("utf8");
}
