/**
 * Input rules (docs/api.md), as zod schemas shared by route handlers and server
 * actions, so an API client and a form get the same answer for the same input.
 */
import { z } from "zod";
import { ORG_SLUG_PATTERN, orgRoleSchema } from "@/lib/edge/org-claims";

const utf8Length = (value: string) => new TextEncoder().encode(value).length;

export const usernameSchema = z
  .string({ error: "Username is required." })
  .trim()
  .toLowerCase()
  .min(2, "Username must be at least 2 characters.")
  .max(64, "Username must be at most 64 characters.")
  .regex(/^[a-z0-9_.-]+$/, "Username may use only letters, digits, '_', '.' and '-'.");

/** bcrypt ignores everything past 72 bytes, so longer passwords are refused rather than silently cut. */
export const passwordSchema = z
  .string({ error: "Password is required." })
  .refine((value) => utf8Length(value) >= 8, "Password must be at least 8 characters.")
  .refine((value) => utf8Length(value) <= 72, "Password must be at most 72 bytes.");

/** Stored lower-case, so one address cannot sit on two accounts by its case. */
export const emailSchema = z
  .string({ error: "Email is required." })
  .trim()
  .toLowerCase()
  .max(254, "Email must be at most 254 characters.")
  .pipe(z.email("Enter an email address such as ada@example.com."));

/** An empty form field means "no email". */
const optionalEmail = z.preprocess((value) => (value === "" || value === null ? undefined : value), emailSchema.optional());

/**
 * Characters that would let a name be more than one line of text where it is
 * shown or mailed: control characters (C0 with tab and newline, DEL, C1), the
 * Unicode line and paragraph separators, and the bidirectional embeddings,
 * overrides and isolates that make text read in another order than it is stored.
 */
const NOT_ONE_LINE = /[\p{Cc}\p{Zl}\p{Zp}\u202A-\u202E\u2066-\u2069]/u;

/** One line of printable text: a name is shown on pages and greeted in mails. */
function isOneLine(value: string): boolean {
  return !NOT_ONE_LINE.test(value);
}

export const nameSchema = z
  .string({ error: "Name is required." })
  .trim()
  .min(2, "Name must be at least 2 characters.")
  .max(100, "Name must be at most 100 characters.")
  .refine(isOneLine, "Name must be one line of text, without control characters.");

/** A real calendar date (YYYY-MM-DD), not in the future. */
export const dobSchema = z
  .string({ error: "Date of birth must be a date (YYYY-MM-DD)." })
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Date of birth must be a date (YYYY-MM-DD).")
  .transform((value, ctx) => {
    const date = new Date(`${value}T00:00:00.000Z`);
    if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
      ctx.addIssue({ code: "custom", message: "Date of birth is not a real date." });
      return z.NEVER;
    }
    if (date.getTime() > Date.now()) {
      ctx.addIssue({ code: "custom", message: "Date of birth cannot be in the future." });
      return z.NEVER;
    }
    return date;
  });

/** An empty form field means "not given". */
const optionalDob = z.preprocess((value) => (value === "" || value === null ? undefined : value), dobSchema.optional());

/**
 * A code from the authenticator app (`code`) or a backup code (`backupCode`):
 * the second step of signing in for a user with TOTP on, sent with the password
 * or after it. A blank field counts as absent (a form's empty input).
 */
const optionalCode = (max: number, message: string) =>
  z.preprocess((value) => (typeof value === "string" && value.trim() === "" ? undefined : value), z.string().trim().max(max, message).optional());
export const secondFactorFields = {
  code: optionalCode(20, "The code is too long."),
  backupCode: optionalCode(40, "The backup code is too long."),
};
export const secondFactorSchema = z
  .object(secondFactorFields)
  .refine((input) => input.code || input.backupCode, { message: "Enter a code or a backup code.", path: ["code"] });

const passwordInputSchema = z
  .string({ error: "Password is required." })
  .min(1, "Password is required.")
  .refine((value) => utf8Length(value) <= 72, "Password must be at most 72 bytes.");

/**
 * Sign-in checks only the shape: the seeded accounts predate the password rule,
 * and a failed rule must not hint whether an account exists.
 */
export const credentialsSchema = z.object({ username: usernameSchema, password: passwordInputSchema, ...secondFactorFields });

/** The seeds' `{uid, password}` form of sign-in (POST /api/users/authenticate). */
export const uidCredentialsSchema = z
  .object({ uid: usernameSchema, password: passwordInputSchema, ...secondFactorFields })
  .transform(({ uid, ...rest }) => ({ username: uid, ...rest }));

/** Turning TOTP on: the app's current code, spaces allowed (apps show "123 456"). */
export const totpCodeSchema = z.object({
  code: z.preprocess(
    (value) => (typeof value === "string" ? value.replace(/\s/g, "") : value),
    z.string({ error: "Enter the code from your authenticator app." }).min(1, "Enter the code from your authenticator app.").max(20, "The code is too long."),
  ),
});

/** Re-authentication before a sensitive change: the password, or a TOTP or backup code. */
export const reauthSchema = z
  // An empty password field is absent (a code was sent instead); spaces are a password like any other.
  .object({ password: z.preprocess((value) => (value === "" ? undefined : value), passwordInputSchema.optional()), ...secondFactorFields })
  .refine((input) => input.password || input.code || input.backupCode, { message: "Enter your password or a code.", path: ["password"] });

export const registerSchema = z.object({
  username: usernameSchema,
  password: passwordSchema,
  name: nameSchema,
  dob: optionalDob,
  email: optionalEmail,
});

/**
 * "I forgot my password": `{username}` or `{email}`, or a form's one field
 * `{account}` that holds either (an `@` makes it an email address). Only the
 * shape is checked: whether such an account exists is never told.
 */
export const forgotPasswordSchema = z
  .object({
    username: z.string().max(254).optional(),
    email: z.string().max(254).optional(),
    account: z.string().max(254).optional(),
  })
  .transform((input, ctx) => {
    const given = (input.email ?? input.username ?? input.account ?? "").trim().toLowerCase();
    if (!given) {
      ctx.addIssue({ code: "custom", message: "Enter your username or email address.", path: ["account"] });
      return z.NEVER;
    }
    return given.includes("@") ? { email: given } : { username: given };
  });

/** A one-time link's token, as it arrives from the link's query string. */
const linkTokenSchema = z.string({ error: "The link's token is missing." }).min(1, "The link's token is missing.").max(100, "The link's token is not valid.");

/** Setting a new password with a reset link; with TOTP on, a code or backup code too. */
export const resetPasswordSchema = z.object({ token: linkTokenSchema, password: passwordSchema, ...secondFactorFields });

export const verifyEmailSchema = z.object({ token: linkTokenSchema });

/** Asking for a sign-in link: only the address's form is checked, never whether an account has it. */
export const emailLinkSchema = z.object({ email: emailSchema });

/** Signing in with the link's token. */
export const emailLinkSignInSchema = z.object({ token: linkTokenSchema });

export const createUserSchema = z.object({
  username: usernameSchema,
  name: nameSchema,
  password: passwordSchema.optional(),
  dob: optionalDob,
});

/**
 * Where a page of users ends: the last user's creation time and id. It carries
 * both, so the next page starts after that place even when that user has since
 * been deleted. Written as `<milliseconds since 1970>.<id>`; clients pass it
 * back as they got it.
 */
export interface UserCursor {
  createdAt: Date;
  id: string;
}

export function writeUserCursor({ createdAt, id }: UserCursor): string {
  return `${createdAt.getTime()}.${id}`;
}

const userCursorSchema = z
  .string()
  .regex(/^\d{1,15}\.[0-9a-fA-F-]{36}$/, "cursor is not valid")
  .transform((value) => {
    const [time, id] = value.split(".") as [string, string];
    return { createdAt: new Date(Number(time)), id };
  })
  .pipe(z.object({ createdAt: z.date(), id: z.string().uuid("cursor is not valid") }));

export const paginationSchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: userCursorSchema.optional(),
});

/** Route ids are UUIDs; anything else is refused before it reaches the database. */
export const idSchema = z.object({ id: z.string().uuid("Not a valid id.") });

export const updateUserSchema = z
  .object({
    name: nameSchema.optional(),
    dob: z.union([dobSchema, z.null()]).optional(),
    /** Your own only; `null` removes it. A new address is a claim until it is confirmed with the link mailed to it. */
    email: z.preprocess((value) => (value === "" ? null : value), z.union([emailSchema, z.null()]).optional()),
    password: passwordSchema.optional(),
    currentPassword: z.string().max(1024).optional(),
    /** ADMIN only; a demoted admin loses ADMIN rights on their next request. */
    role: z.enum(["USER", "ADMIN"]).optional(),
  })
  .strict();

/** The dashboard's "Email address" form. */
export const myEmailSchema = updateUserSchema.pick({ email: true }).required();

/** The dashboard's "Change password" form: both fields (an account that has no password yet sets its first one without the current one). */
export const myPasswordSchema = z.object({
  currentPassword: z.string().max(1024).optional(),
  password: passwordSchema,
});

export const createPostSchema = z.object({
  note: z.string({ error: "Note is required." }).trim().min(1, "Note is required.").max(2000, "Note must be at most 2000 characters."),
  image: z
    .string()
    .trim()
    .max(200, "Image must be at most 200 characters.")
    .regex(/^[\w.-]+$/, "Image must be a file name such as photo.png.")
    .optional(),
});

/** A passkey's own name, as its owner calls it in the list. */
export const passkeyNameSchema = z
  .string({ error: "Name is required." })
  .trim()
  .min(1, "Name is required.")
  .max(64, "Name must be at most 64 characters.")
  // Named in the mails and on the reset page, like a user's name.
  .refine(isOneLine, "Name must be one line of text, without control characters.");

/** base64url, as WebAuthn's JSON encodes binary; a credential ID is at most 1023 bytes. */
const base64url = (max: number) => z.string().max(max).regex(/^[A-Za-z0-9_-]*$/, "Not base64url.");

/** A passkey's id in a path: its credential ID. */
export const passkeyIdSchema = z.object({ id: base64url(1400).min(1, "Not a valid id.") });

/**
 * The browser's answers to a WebAuthn ceremony, shaped as
 * @simplewebauthn/browser sends them; only their shape is checked here, the
 * signatures and everything they cover in lib/auth/passkeys/.
 */
const credentialFields = {
  id: base64url(1400).min(1),
  rawId: base64url(1400).min(1),
  type: z.literal("public-key"),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
  clientExtensionResults: z.looseObject({}).default({}),
};

export const passkeyRegistrationSchema = z.object({
  response: z.object({
    ...credentialFields,
    response: z.looseObject({
      clientDataJSON: base64url(4096),
      attestationObject: base64url(8192),
      transports: z.array(z.string().max(32)).max(10).optional(),
    }),
  }),
  name: passkeyNameSchema.optional(),
});

/** Which ceremony a passkey is asked for: signing in, a sign-in's second step, or re-authenticating. */
export const PASSKEY_PURPOSES = ["sign-in", "second-factor", "reauth"] as const;
const passkeyPurpose = z.enum(PASSKEY_PURPOSES);
export const passkeyOptionsSchema = z.object({ purpose: passkeyPurpose.default("sign-in") });

/** `purpose` says which ceremony the answer finishes; without it, the one this browser has in progress. */
export const passkeyAuthenticationSchema = z.object({
  purpose: passkeyPurpose.optional(),
  response: z.object({
    ...credentialFields,
    response: z.looseObject({
      clientDataJSON: base64url(4096),
      authenticatorData: base64url(4096),
      signature: base64url(1024),
      userHandle: base64url(128).optional(),
    }),
  }),
});

export const renamePasskeySchema = z.object({ name: passkeyNameSchema });

/** An organization's name: one line, like a user's. */
export const orgNameSchema = z
  .string({ error: "Name is required." })
  .trim()
  .min(2, "Name must be at least 2 characters.")
  .max(100, "Name must be at most 100 characters.")
  .refine(isOneLine, "Name must be one line of text, without control characters.");

const SLUG_RULE = "Slug may use only lower-case letters, digits and single dashes between them, such as menlo-park.";

export const orgSlugSchema = z
  .string({ error: "Slug is required." })
  .trim()
  .toLowerCase()
  .min(2, "Slug must be at least 2 characters.")
  .max(48, "Slug must be at most 48 characters.")
  .regex(ORG_SLUG_PATTERN, SLUG_RULE);

/**
 * A slug made from an organization's name, for when none is given: "Menlo
 * Park" → "menlo-park". Accents go, anything else that is not a letter or a
 * digit becomes one dash; a name with nothing left (all symbols, or another
 * script) gets "org".
 */
export function slugFrom(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .slice(0, 48)
    .replace(/^-+|-+$/g, "");
  return slug.length >= 2 ? slug : "org";
}

/** An empty form field means "not given". */
const optionalSlug = z.preprocess((value) => (value === "" || value === null ? undefined : value), orgSlugSchema.optional());

/** POST /api/orgs and the /orgs form: `{name, slug?}`; without a slug, one is made from the name. */
export const createOrgSchema = z
  .object({ name: orgNameSchema, slug: optionalSlug })
  .strict()
  .transform(({ name, slug }) => ({ name, slug: slug ?? slugFrom(name) }));

/** PATCH /api/orgs/:id: `{name?, slug?}`. */
export const updateOrgSchema = z
  .object({ name: orgNameSchema.optional(), slug: optionalSlug })
  .strict()
  .refine((input) => input.name !== undefined || input.slug !== undefined, { message: "Give a new name or slug.", path: ["name"] });

export const orgRoleInputSchema = z.object({ role: orgRoleSchema });

export const invitationSchema = z.object({ email: emailSchema, role: orgRoleSchema.default("MEMBER") }).strict();

/** An invitation link's token, as it arrives from the link. */
export const acceptInvitationSchema = z.object({ token: linkTokenSchema });

/** PUT /api/auth/org: the organization to work in, or `null` for none. */
export const switchOrgSchema = z.object({ orgId: z.union([z.uuid("Not a valid id."), z.null()]) }).strict();

/** An organization's id and, for its sub-resources, a member's or an invitation's, in a path. */
export const orgIdSchema = z.object({ id: z.uuid("Not a valid id.") });
export const memberPathSchema = z.object({ id: z.uuid("Not a valid id."), userId: z.uuid("Not a valid id.") });
export const invitationPathSchema = z.object({ id: z.uuid("Not a valid id."), invitationId: z.uuid("Not a valid id.") });

export const AUTH_EVENT_TYPES = [
  "register",
  "login_success",
  "login_failure",
  "logout",
  "refresh",
  "refresh_reuse",
  "token_issued",
  "rate_limited",
  "sessions_revoked",
  "cookie_conflict",
  "mfa_failure",
  "backup_code_used",
  "totp_enabled",
  "totp_disabled",
  "passkey_added",
  "passkey_removed",
  "passkey_failure",
  "reauth",
  "reauth_failure",
  "password_changed",
  "password_reset",
  "password_reset_requested",
  "reset_link_issued",
  "email_changed",
  "email_verified",
  "email_link_requested",
  "email_link_used",
  "mail_failed",
  "account_connected",
  "account_disconnected",
  "federation_failure",
  "org_created",
  "org_renamed",
  "org_deleted",
  "org_switched",
  "member_invited",
  "invitation_withdrawn",
  "invitation_accepted",
  "member_role_changed",
  "member_removed",
  "member_left",
] as const;

export const eventFilterSchema = z.object({ type: z.enum(AUTH_EVENT_TYPES).optional() });
