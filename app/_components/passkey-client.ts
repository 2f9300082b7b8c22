/**
 * The browser's side of the passkey ceremonies: ask the API for options, hand
 * them to the authenticator (@simplewebauthn/browser), send its answer back.
 * Errors come back as PasskeyError, with the API's code where there is one
 * and a message fit to show.
 */
import { startAuthentication, startRegistration, WebAuthnError } from "@simplewebauthn/browser";
import type { PasskeyPurpose } from "@/lib/auth/passkeys/authenticate";
import type { PasskeyView } from "@/lib/auth/passkeys/manage";

export class PasskeyError extends Error {
  override name = "PasskeyError";
  constructor(
    message: string,
    /** The API's error code; `cancelled` when the user or the browser stopped the ceremony. */
    readonly code: string,
  ) {
    super(message);
  }
}

/** Calls the API with JSON and returns its `data`, or throws its error envelope as a PasskeyError. */
export async function callApi<T>(path: string, method: "GET" | "POST" | "PATCH" | "DELETE", body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    credentials: "same-origin",
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? null : JSON.stringify(body),
  });
  if (response.status === 204) return undefined as T;
  const payload = (await response.json().catch(() => null)) as { data?: T; error?: string; message?: string } | null;
  if (!response.ok) throw new PasskeyError(payload?.message ?? "Something went wrong.", payload?.error ?? "internal_error");
  return payload?.data as T;
}

/** The authenticator's own refusals, in words (the browser's are technical). */
function authenticatorError(error: unknown): PasskeyError {
  if (error instanceof PasskeyError) return error;
  const name = error instanceof Error ? error.name : "";
  if (name === "AbortError" || (error instanceof WebAuthnError && error.code === "ERROR_CEREMONY_ABORTED")) {
    return new PasskeyError("The passkey request was stopped.", "cancelled");
  }
  if (name === "NotAllowedError") return new PasskeyError("The passkey request was cancelled or timed out.", "cancelled");
  if (error instanceof WebAuthnError && error.code === "ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED") {
    return new PasskeyError("This device already holds a passkey for your account.", "conflict");
  }
  return new PasskeyError("This browser or device could not use a passkey.", "unsupported");
}

/** Adds a passkey to the signed-in user's account. */
export async function addPasskey(): Promise<PasskeyView> {
  const { options } = await callApi<{ options: Parameters<typeof startRegistration>[0]["optionsJSON"] }>("/api/auth/passkeys/register/options", "POST", {});
  const response = await startRegistration({ optionsJSON: options }).catch((error: unknown) => Promise.reject(authenticatorError(error)));
  return (await callApi<{ passkey: PasskeyView }>("/api/auth/passkeys/register/verify", "POST", { response })).passkey;
}

type AuthenticationOptions = Parameters<typeof startAuthentication>[0]["optionsJSON"];

/** The last options request this page sent; the next one waits for its answer. */
let lastOptions: Promise<unknown> = Promise.resolve();

/**
 * Options for a new ceremony, asked for only once the page's previous request
 * has its answer. Each answer sets the purpose's challenge cookie, so two in
 * flight at once (the login page's autofill request, then a click on "Sign in
 * with a passkey" before its options came back) could land in either order and
 * leave the cookie naming the other ceremony's challenge: the button's passkey
 * would then be refused. In order, the newest ceremony's challenge is always
 * the one the cookie holds, and its authenticator request replaces the older one.
 */
function authenticationOptions(purpose: PasskeyPurpose): Promise<{ options: AuthenticationOptions }> {
  const options = lastOptions.then(() => callApi<{ options: AuthenticationOptions }>("/api/auth/passkeys/sign-in/options", "POST", { purpose }));
  // Settles either way: a refused request must not hold up the next one.
  lastOptions = options.catch(() => undefined);
  return options;
}

/**
 * Uses a passkey for `purpose`. With `autofill`, the request waits in the
 * browser's autofill list of the username field (conditional UI) until the
 * user picks a passkey there.
 */
export async function authenticateWithPasskey(purpose: PasskeyPurpose, { autofill = false }: { autofill?: boolean } = {}): Promise<void> {
  const { options } = await authenticationOptions(purpose);
  const response = await startAuthentication({ optionsJSON: options, useBrowserAutofill: autofill }).catch((error: unknown) =>
    Promise.reject(authenticatorError(error)),
  );
  await callApi("/api/auth/passkeys/sign-in/verify", "POST", { response, purpose });
}

/** Whether this browser offers passkeys in the username field's autofill. */
export async function autofillAvailable(): Promise<boolean> {
  return typeof window.PublicKeyCredential?.isConditionalMediationAvailable === "function" && (await window.PublicKeyCredential.isConditionalMediationAvailable());
}
