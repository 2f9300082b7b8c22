/**
 * The one error envelope of the API (docs/api.md):
 * `{ message, error, data: null }`, plus `fields` for validation errors.
 * Edge-safe, so the middleware answers in the same shape as route handlers.
 */
export const ERROR_STATUS = {
  validation_error: 400,
  invalid_credentials: 401,
  token_missing: 401,
  token_expired: 401,
  invalid_token: 401,
  token_revoked: 401,
  mfa_required: 401,
  invalid_code: 401,
  passkey_rejected: 401,
  invalid_challenge: 400,
  forbidden: 403,
  reauth_required: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  token_invalid: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  federation_failed: 400,
  federation_state: 400,
  federation_denied: 401,
  account_exists: 409,
  identity_taken: 409,
  identity_mismatch: 403,
  provider_unavailable: 503,
  service_unavailable: 503,
  email_unavailable: 503,
  internal_error: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

const DEFAULT_MESSAGE: Record<ErrorCode, string> = {
  validation_error: "The request is not valid.",
  invalid_credentials: "Invalid username or password.",
  token_missing: "Token is missing.",
  token_expired: "Token has expired.",
  invalid_token: "Invalid token.",
  token_revoked: "Token has been revoked.",
  mfa_required: "Enter the code from your authenticator app, a backup code, or use a passkey.",
  invalid_code: "That code is not valid.",
  passkey_rejected: "The passkey could not be verified.",
  invalid_challenge: "This sign-in step has expired or was already used. Start again.",
  forbidden: "You are not allowed to do this.",
  reauth_required: "Confirm it is you: sign in again to do this.",
  not_found: "Not found.",
  method_not_allowed: "This method is not allowed here.",
  conflict: "That already exists.",
  token_invalid: "This link has expired or was already used. Ask for a new one.",
  payload_too_large: "The request body is too large.",
  unsupported_media_type: "Send JSON with Content-Type: application/json.",
  rate_limited: "Too many attempts. Try again later.",
  federation_failed: "The sign-in with the provider did not complete, so you are not signed in. Try again.",
  federation_state: "This sign-in with a provider expired, was already used or was started in another browser. Start again.",
  federation_denied: "The sign-in was cancelled at the provider, so you are not signed in.",
  account_exists:
    "An account with this email address already exists. Sign in to it with your password or passkey, then connect the provider from your dashboard (Connected accounts).",
  identity_taken: "That identity at the provider is already connected to another account.",
  identity_mismatch: "That is not the identity connected to your account: confirm with the one you connected.",
  provider_unavailable: "The provider cannot be reached right now. Try again shortly.",
  service_unavailable: "The service is temporarily unavailable. Try again shortly.",
  email_unavailable: "Email is not set up on this server, so no mail can be sent. Ask an administrator for a reset link.",
  internal_error: "Something went wrong.",
};

export type FieldErrors = Record<string, string>;

/** An error meant for the client: its code, message and fields are safe to show. */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly code: ErrorCode,
    message: string = DEFAULT_MESSAGE[code],
    readonly options: { fields?: FieldErrors; headers?: HeadersInit } = {},
  ) {
    super(message);
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export function errorBody(code: ErrorCode, message = DEFAULT_MESSAGE[code], fields?: FieldErrors) {
  return { message, error: code, data: null, ...(fields ? { fields } : {}) };
}

export function errorResponse(error: ApiError): Response {
  const headers = new Headers(error.options.headers);
  headers.set("cache-control", "no-store");
  return Response.json(errorBody(error.code, error.message, error.options.fields), {
    status: error.status,
    headers,
  });
}

/** The standard message of a known error code (a page's `?error=`), or undefined for anything else. */
export function errorMessageOf(code: unknown): string | undefined {
  return typeof code === "string" && Object.hasOwn(ERROR_STATUS, code) ? DEFAULT_MESSAGE[code as ErrorCode] : undefined;
}
