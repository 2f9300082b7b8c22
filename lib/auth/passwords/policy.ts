/**
 * Which new passwords Tessera refuses beyond the length rule (lib/schemas.ts):
 * those on the local list of common passwords, and, when HIBP_ENABLED, those
 * Have I Been Pwned has seen in a breach. Every way to set a password calls
 * this: registration, a password change, an admin creating a user, a reset.
 */
import "server-only";
import { isCommonPassword } from "@/lib/auth/passwords/common-passwords";
import { isPwnedPassword } from "@/lib/auth/passwords/pwned-passwords";
import { config } from "@/lib/config";
import { ApiError } from "@/lib/errors";

export const COMMON_PASSWORD_MESSAGE = "This password is too common: it is on a list of passwords attackers try first. Choose another.";
export const BREACHED_PASSWORD_MESSAGE = "This password has appeared in a data breach (Have I Been Pwned). Choose another.";

function refused(field: string, message: string): ApiError {
  return new ApiError("validation_error", message, { fields: { [field]: message } });
}

/**
 * Throws `validation_error` (with `fields[field]`) for a common or breached
 * password. The local list is asked first, so a common password never reaches
 * the network; a breach service that cannot answer lets the password through.
 */
export async function assertPasswordAllowed(password: string, field = "password"): Promise<void> {
  if (await isCommonPassword(password)) throw refused(field, COMMON_PASSWORD_MESSAGE);
  const { enabled, apiUrl } = config().pwnedPasswords;
  if (enabled && (await isPwnedPassword(password, { apiUrl })) === true) throw refused(field, BREACHED_PASSWORD_MESSAGE);
}
