/**
 * Tessera's settings: read from the environment once, validated with zod, and
 * frozen. This is the only module that reads `process.env`; everything else
 * asks it. Edge-safe (no Node built-ins), so middleware uses it too.
 *
 * A bad setting is a start-up error with a message that says what to set,
 * never a silent default: `instrumentation.ts` loads it when the server boots.
 */
import { z } from "zod";
import { isJwtAlgorithm, JWT_ALGORITHMS, keyMaterial, type KeySettingsInput } from "@/lib/key-format";

const DURATION = /^(\d+)\s*([smhd]?)$/;
const UNIT_SECONDS = { "": 1, s: 1, m: 60, h: 3600, d: 86400 } as const;

/** "900", "900s", "15m", "12h", "7d" → seconds. */
function duration(name: string, fallback: string) {
  return z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      const match = DURATION.exec(value.trim());
      const seconds = match ? Number(match[1]) * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS] : 0;
      if (seconds <= 0) {
        ctx.addIssue({ code: "custom", message: `${name} must be a positive duration such as 900, 15m, 12h or 7d` });
        return z.NEVER;
      }
      return seconds;
    });
}

function integer(name: string, fallback: number, min: number, max: number) {
  return z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .min(min, `${name} must be at least ${min}`)
    .max(max, `${name} must be at most ${max}`)
    .default(fallback);
}

/** An integer setting that may be left unset (or empty), when its default depends on the machine. */
function optionalInteger(name: string, min: number, max: number) {
  return z.preprocess(
    (value) => (value === "" ? undefined : value),
    z.coerce
      .number({ error: `${name} must be a number` })
      .int(`${name} must be a whole number`)
      .min(min, `${name} must be at least ${min}`)
      .max(max, `${name} must be at most ${max}`)
      .optional(),
  );
}

const flag = z
  .enum(["0", "1", "true", "false", ""])
  .default("0")
  .transform((value) => value === "1" || value === "true");

/** Both rate limits count over 15 minutes (docs/security.md#abuse-limits). */
const RATE_LIMIT_WINDOW_SECONDS = 15 * 60;

/** An exact origin: scheme, host and optional port, nothing else (no path, no trailing slash). */
function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "https:" || url.protocol === "http:") && url.origin === value;
  } catch {
    return false;
  }
}

/** An empty value counts as unset, as it does in .env files. */
function unsetWhenEmpty<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === "" ? undefined : value), schema);
}

/** 32 bytes, in base64 (`openssl rand -base64 32`) or base64url, as JWT_SECRET may be written. */
function base64Key(name: string) {
  return unsetWhenEmpty(
    z
      .string()
      .optional()
      .refine(
        (value) => value === undefined || decodeKey(value)?.length === 32,
        `${name} must be 32 random bytes in base64 or base64url (padding optional): openssl rand -base64 32`,
      ),
  );
}

/** The bytes of a key written in base64 or base64url, or null when it is neither. */
function decodeKey(encoded: string): Uint8Array | null {
  const text = encoded.trim();
  if (!/^(?:[A-Za-z0-9+/]+|[A-Za-z0-9_-]+)={0,2}$/.test(text)) return null;
  const base64 = text.replace(/=+$/, "").replace(/-/g, "+").replace(/_/g, "/");
  try {
    return Uint8Array.from(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, "=")), (char) => char.charCodeAt(0));
  } catch {
    return null;
  }
}

/** A WebAuthn relying party ID: a bare host name (no scheme, port or path). */
const rpIdSchema = unsetWhenEmpty(
  z
    .string()
    .regex(/^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/, "WEBAUTHN_RP_ID must be a host name such as example.com, without scheme or port")
    .optional(),
);

/** An SMTP server: smtp://user:pass@host:587 (STARTTLS when offered) or smtps://host:465. */
const smtpUrlSchema = unsetWhenEmpty(
  z
    .string()
    .regex(/^smtps?:\/\/[^/]/, "SMTP_URL must be an smtp:// or smtps:// URL such as smtp://user:password@mail.example.com:587")
    .optional(),
);

/** An http(s) URL with no query or fragment, its trailing slashes dropped. */
function providerUrl(name: string, example: string) {
  return unsetWhenEmpty(
    z
      .string()
      .transform((value) => value.trim().replace(/\/+$/, ""))
      .refine((value) => {
        try {
          const url = new URL(value);
          return (url.protocol === "https:" || url.protocol === "http:") && !url.search && !url.hash && !url.username;
        } catch {
          return false;
        }
      }, `${name} must be an https URL such as ${example}`)
      .optional(),
  );
}

/** Whether a URL's host is this machine: a stand-in a test or a developer runs, never a real provider. */
export function isLoopbackUrl(value: string): boolean {
  const host = new URL(value).hostname;
  return host === "localhost" || host === "[::1]" || /^127(\.\d{1,3}){3}$/.test(host);
}

/** The sign-in providers' settings, checked together: a provider is configured whole or not at all. */
const federationEnvFields = {
  AUTH_OIDC_ISSUER: providerUrl("AUTH_OIDC_ISSUER", "https://sso.example.com"),
  AUTH_OIDC_CLIENT_ID: unsetWhenEmpty(z.string().max(500).optional()),
  AUTH_OIDC_CLIENT_SECRET: unsetWhenEmpty(z.string().max(500).optional()),
  AUTH_OIDC_NAME: unsetWhenEmpty(z.string().trim().min(1).max(60, "AUTH_OIDC_NAME must be at most 60 characters").optional()),
  AUTH_OIDC_TRUST_EMAIL: flag,
  AUTH_GOOGLE_CLIENT_ID: unsetWhenEmpty(z.string().max(500).optional()),
  AUTH_GOOGLE_CLIENT_SECRET: unsetWhenEmpty(z.string().max(500).optional()),
  AUTH_GITHUB_CLIENT_ID: unsetWhenEmpty(z.string().max(500).optional()),
  AUTH_GITHUB_CLIENT_SECRET: unsetWhenEmpty(z.string().max(500).optional()),
  AUTH_GITHUB_URL: providerUrl("AUTH_GITHUB_URL", "https://github.example.com"),
};

type FederationEnv = z.output<z.ZodObject<typeof federationEnvFields>> & { NODE_ENV: string; APP_URL?: string | undefined };

function checkFederation(env: FederationEnv, ctx: z.RefinementCtx): void {
  const production = env.NODE_ENV === "production";
  const groups = [
    ["AUTH_OIDC_ISSUER", "AUTH_OIDC_CLIENT_ID", "AUTH_OIDC_CLIENT_SECRET"],
    ["AUTH_GOOGLE_CLIENT_ID", "AUTH_GOOGLE_CLIENT_SECRET"],
    ["AUTH_GITHUB_CLIENT_ID", "AUTH_GITHUB_CLIENT_SECRET"],
  ] as const;
  let configured = false;
  for (const group of groups) {
    const set = group.filter((name) => env[name] !== undefined);
    if (set.length > 0 && set.length < group.length) {
      ctx.addIssue({ code: "custom", message: `${set.join(", ")} set without ${group.filter((name) => env[name] === undefined).join(", ")}: set all of them, or none` });
    }
    configured ||= set.length === group.length;
  }
  // A provider's tokens and the user's claims must not cross the network in the clear.
  if (production && env.AUTH_OIDC_ISSUER?.startsWith("http:")) {
    ctx.addIssue({ code: "custom", message: "AUTH_OIDC_ISSUER must be an https URL in production" });
  }
  // The GitHub stand-in of the tests and local development; in production only one on this machine (and over https), so a
  // misplaced setting cannot send users' GitHub sign-ins anywhere else.
  if (production && env.AUTH_GITHUB_URL && !(env.AUTH_GITHUB_URL.startsWith("https:") && isLoopbackUrl(env.AUTH_GITHUB_URL))) {
    ctx.addIssue({ code: "custom", message: "AUTH_GITHUB_URL is for a local stand-in of GitHub: in production only an https URL on this machine (localhost or 127.0.0.1) is accepted" });
  }
  if (configured && production && !env.APP_URL) {
    ctx.addIssue({ code: "custom", message: "A sign-in provider is configured but APP_URL is not: set it to the app's origin, from which the providers' redirect URIs are built" });
  }
}

export interface OidcProviderSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The button's label. */
  name: string;
  /** Whether an identity may be linked to a local account by a verified, matching email address. */
  trustEmail: boolean;
}

export interface GitHubSettings {
  clientId: string;
  clientSecret: string;
  /** github.com, or a stand-in (AUTH_GITHUB_URL); the API is at api.github.com or <url>/api/v3. */
  url: string;
}

function federationSettings(env: FederationEnv) {
  return {
    oidc:
      env.AUTH_OIDC_ISSUER && env.AUTH_OIDC_CLIENT_ID && env.AUTH_OIDC_CLIENT_SECRET
        ? ({
            issuer: env.AUTH_OIDC_ISSUER,
            clientId: env.AUTH_OIDC_CLIENT_ID,
            clientSecret: env.AUTH_OIDC_CLIENT_SECRET,
            name: env.AUTH_OIDC_NAME ?? "Single sign-on",
            trustEmail: env.AUTH_OIDC_TRUST_EMAIL,
          } satisfies OidcProviderSettings)
        : undefined,
    google:
      env.AUTH_GOOGLE_CLIENT_ID && env.AUTH_GOOGLE_CLIENT_SECRET ? { clientId: env.AUTH_GOOGLE_CLIENT_ID, clientSecret: env.AUTH_GOOGLE_CLIENT_SECRET } : undefined,
    github:
      env.AUTH_GITHUB_CLIENT_ID && env.AUTH_GITHUB_CLIENT_SECRET
        ? ({ clientId: env.AUTH_GITHUB_CLIENT_ID, clientSecret: env.AUTH_GITHUB_CLIENT_SECRET, url: env.AUTH_GITHUB_URL ?? "https://github.com" } satisfies GitHubSettings)
        : undefined,
  };
}

function postgresUrl(name: string) {
  return unsetWhenEmpty(z.string().regex(/^postgres(ql)?:\/\//, `${name} must be a postgres:// or postgresql:// URL`).optional());
}

/** The checked key material; `superRefine` has already refused anything else. */
function signingKeys(env: KeySettingsInput) {
  const keys = keyMaterial(env);
  if ("problems" in keys) throw new ConfigError(keys.problems.join("; "));
  return keys.material;
}

/**
 * The settings the database scripts need (migrate, seed, the launcher), kept
 * apart so those scripts run without JWT settings; `envSchema` extends it.
 * BCRYPT_COST is one of them: the seed hashes the demo passwords at it.
 */
const databaseEnvFields = {
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  BCRYPT_COST: integer("BCRYPT_COST", 12, 10, 15),
  // Unset: one worker per core but one, which is left to the event loop (lib/auth/passwords/bcrypt-pool.ts).
  BCRYPT_WORKERS: optionalInteger("BCRYPT_WORKERS", 1, 16),

  DATABASE_URL: postgresUrl("DATABASE_URL"),
  // The same database by a direct route, for migrations: a transaction pooler (Neon's
  // `-pooler` host, Supabase on port 6543) serves the app but not the schema engine.
  DATABASE_MIGRATE_URL: postgresUrl("DATABASE_MIGRATE_URL"),
  DATABASE_POOL_MAX: integer("DATABASE_POOL_MAX", 10, 1, 200),
  DB_TIMEOUT_MS: integer("DB_TIMEOUT_MS", 5000, 100, 120_000),
  EMBEDDED_DATA_DIR: z.string().min(1).default(".data"),
};

type DatabaseEnv = z.output<z.ZodObject<typeof databaseEnvFields>>;

/**
 * DATABASE_MIGRATE_URL is a second route to DATABASE_URL's database. Alone, it
 * would migrate that database while the launcher served the app from the
 * embedded one: a forgotten DATABASE_URL, refused here.
 */
function migrateUrlNeedsDatabaseUrl(env: Pick<DatabaseEnv, "DATABASE_URL" | "DATABASE_MIGRATE_URL">, ctx: z.RefinementCtx): void {
  if (env.DATABASE_MIGRATE_URL && !env.DATABASE_URL) {
    ctx.addIssue({ code: "custom", message: "DATABASE_MIGRATE_URL is set but DATABASE_URL is not: set DATABASE_URL to the app's connection to the same database" });
  }
}

function databaseSettings(env: DatabaseEnv) {
  return {
    production: env.NODE_ENV === "production",
    bcryptCost: env.BCRYPT_COST,
    /** Worker threads that hash passwords; undefined: sized to the cores. */
    bcryptWorkers: env.BCRYPT_WORKERS,
    database: {
      url: env.DATABASE_URL,
      /** Where migrations are applied, when it is not `url`. */
      migrateUrl: env.DATABASE_MIGRATE_URL,
      poolMax: env.DATABASE_POOL_MAX,
      timeoutMs: env.DB_TIMEOUT_MS,
      embeddedDataDir: env.EMBEDDED_DATA_DIR,
    },
  };
}

const databaseEnvSchema = z.object(databaseEnvFields).superRefine(migrateUrlNeedsDatabaseUrl).transform(databaseSettings);

/**
 * How long sessions last and how long what has ended is kept: the app needs
 * them, and so does `npm run db:prune`, which runs without JWT settings.
 */
const lifetimeEnvFields = {
  SESSION_MAX_AGE: duration("SESSION_MAX_AGE", "30d"),
  REFRESH_TOKEN_TTL: duration("REFRESH_TOKEN_TTL", "7d"),
  SESSION_RETENTION: duration("SESSION_RETENTION", "30d"),
  EVENT_RETENTION: duration("EVENT_RETENTION", "90d"),
};

type LifetimeEnv = z.output<z.ZodObject<typeof lifetimeEnvFields>>;

function lifetimeSettings(env: LifetimeEnv) {
  return {
    sessionMaxAge: env.SESSION_MAX_AGE,
    refreshTokenTtl: env.REFRESH_TOKEN_TTL,
    /** Seconds that ended sessions, auth events and passed rate-limit windows are kept (lib/maintenance/prune.ts). */
    retention: { sessions: env.SESSION_RETENTION, events: env.EVENT_RETENTION, rateLimitWindow: RATE_LIMIT_WINDOW_SECONDS },
  };
}

const maintenanceEnvSchema = z
  .object({ ...databaseEnvFields, ...lifetimeEnvFields })
  .superRefine(migrateUrlNeedsDatabaseUrl)
  .transform((env) => ({ ...databaseSettings(env), ...lifetimeSettings(env) }));

const envSchema = z
  .object({
    ...databaseEnvFields,

    JWT_ALG: z.enum(JWT_ALGORITHMS, { error: `JWT_ALG must be one of ${JWT_ALGORITHMS.join(", ")}` }).default("HS256"),
    // Which of these are required depends on JWT_ALG: checked together below (lib/key-format.ts).
    JWT_SECRET: unsetWhenEmpty(z.string().optional()),
    JWT_PRIVATE_KEY: unsetWhenEmpty(z.string().optional()),
    JWT_PREVIOUS_KEYS: unsetWhenEmpty(z.string().optional()),
    JWT_ISSUER: z.string().min(1).default("tessera"),
    JWT_AUDIENCE: z.string().min(1).default("tessera"),
    ACCESS_TOKEN_TTL: duration("ACCESS_TOKEN_TTL", "15m"),
    ...lifetimeEnvFields,

    COOKIE_SAMESITE: z
      .enum(["Lax", "Strict", "None", "lax", "strict", "none"], {
        error: "COOKIE_SAMESITE must be Lax, Strict or None",
      })
      .default("Lax")
      .transform((value) => value.toLowerCase() as "lax" | "strict" | "none"),

    TRUST_PROXY: flag,
    CORS_ORIGINS: z
      .string()
      .default("")
      .transform((value, ctx) => {
        const origins = value.split(",").map((origin) => origin.trim()).filter(Boolean);
        for (const origin of origins) {
          if (!isOrigin(origin)) {
            ctx.addIssue({ code: "custom", message: `CORS_ORIGINS: "${origin}" is not an origin such as https://app.example.com` });
          }
        }
        return origins;
      }),
    SESSION_CACHE: z
      .enum(["on", "off", ""], { error: "SESSION_CACHE must be on or off" })
      .optional()
      .transform((value) => (value ? value === "on" : undefined)),
    // Set by Vercel on its functions, which freeze between requests: a listening connection cannot stay open there.
    VERCEL: z.string().optional(),
    STEP_UP_MAX_AGE: duration("STEP_UP_MAX_AGE", "10m"),
    TOTP_ENCRYPTION_KEY: base64Key("TOTP_ENCRYPTION_KEY"),
    WEBAUTHN_RP_ID: rpIdSchema,
    WEBAUTHN_ORIGIN: unsetWhenEmpty(
      z
        .string()
        .refine(isOrigin, "WEBAUTHN_ORIGIN must be an origin such as https://app.example.com")
        .optional(),
    ),
    SMTP_URL: smtpUrlSchema,
    MAIL_FROM: unsetWhenEmpty(z.string().max(200, "MAIL_FROM is too long").optional()),
    APP_URL: unsetWhenEmpty(
      z
        .string()
        .transform((value) => value.replace(/\/+$/, ""))
        .refine(isOrigin, "APP_URL must be the app's origin such as https://app.example.com (no path)")
        .optional(),
    ),
    HIBP_ENABLED: flag,
    HIBP_API_URL: z
      .string()
      .default("https://api.pwnedpasswords.com")
      .transform((value) => value.replace(/\/+$/, ""))
      .refine((value) => /^https?:\/\/[^/]/.test(value), "HIBP_API_URL must be an http(s) URL"),
    RATE_LIMIT_PER_USERNAME: integer("RATE_LIMIT_PER_USERNAME", 5, 1, 10_000),
    RATE_LIMIT_PER_IP: integer("RATE_LIMIT_PER_IP", 100, 1, 1_000_000),
    ...federationEnvFields,
  })
  .superRefine(migrateUrlNeedsDatabaseUrl)
  .superRefine(checkFederation)
  .superRefine((env, ctx) => {
    if (env.WEBAUTHN_ORIGIN && env.WEBAUTHN_RP_ID) {
      const host = new URL(env.WEBAUTHN_ORIGIN).hostname;
      if (host !== env.WEBAUTHN_RP_ID && !host.endsWith(`.${env.WEBAUTHN_RP_ID}`)) {
        ctx.addIssue({ code: "custom", message: `WEBAUTHN_RP_ID (${env.WEBAUTHN_RP_ID}) must be WEBAUTHN_ORIGIN's host (${host}) or a domain it belongs to` });
      }
    }
    if (Boolean(env.WEBAUTHN_ORIGIN) !== Boolean(env.WEBAUTHN_RP_ID)) {
      ctx.addIssue({ code: "custom", message: "Set WEBAUTHN_RP_ID and WEBAUTHN_ORIGIN together, or neither" });
    }
  })
  .superRefine(
    (env, ctx) => {
      const keys = keyMaterial(env);
      if ("problems" in keys) for (const message of keys.problems) ctx.addIssue({ code: "custom", message });
    },
    // Runs even when another setting is bad, so one start-up lists every problem; needs only a known JWT_ALG.
    { when: (payload) => isJwtAlgorithm((payload.value as Partial<KeySettingsInput> | undefined)?.JWT_ALG) },
  )
  .transform((env) => ({
    ...databaseSettings(env),
    jwt: {
      alg: env.JWT_ALG,
      ...signingKeys(env),
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
      accessTokenTtl: env.ACCESS_TOKEN_TTL,
    },
    ...lifetimeSettings(env),
    cookies: { sameSite: env.COOKIE_SAMESITE },
    trustProxy: env.TRUST_PROXY,
    /** Whether the data-access layer may answer from its session cache (lib/auth/sessions/cache.ts); off by default on Vercel. */
    sessionCache: env.SESSION_CACHE ?? !env.VERCEL,
    corsOrigins: env.CORS_ORIGINS,
    /** Seconds a sign-in or re-authentication lets the user make sensitive changes (lib/auth/step-up.ts). */
    stepUpMaxAge: env.STEP_UP_MAX_AGE,
    /** AES-256-GCM key for TOTP secrets at rest (32 bytes, checked above); without it nobody can turn TOTP on. */
    totpEncryptionKey: env.TOTP_ENCRYPTION_KEY === undefined ? undefined : (decodeKey(env.TOTP_ENCRYPTION_KEY) ?? undefined),
    /** The passkeys' relying party; unset, it is derived from each request outside production (lib/auth/passkeys/relying-party.ts). */
    webauthn: env.WEBAUTHN_RP_ID && env.WEBAUTHN_ORIGIN ? { rpId: env.WEBAUTHN_RP_ID, origin: env.WEBAUTHN_ORIGIN } : undefined,
    /** Where links in mails and admin reset links point; never taken from a request's Host header. */
    appUrl: env.APP_URL,
    /** Outgoing mail; without SMTP_URL (or APP_URL for its links) the email features answer 503 email_unavailable. */
    mail: env.SMTP_URL && env.APP_URL ? { smtpUrl: env.SMTP_URL, from: env.MAIL_FROM ?? `Tessera <no-reply@${new URL(env.APP_URL).hostname}>` } : undefined,
    /** Ask Have I Been Pwned's range API (k-anonymity) about new passwords, besides the local list. */
    pwnedPasswords: { enabled: env.HIBP_ENABLED, apiUrl: env.HIBP_API_URL },
    rateLimits: { perUsername: env.RATE_LIMIT_PER_USERNAME, perIp: env.RATE_LIMIT_PER_IP, windowSeconds: RATE_LIMIT_WINDOW_SECONDS },
    /** Sign-in providers (lib/auth/federation/): each one only when all its settings are there. */
    federation: federationSettings(env),
  }));

export type Config = Readonly<z.output<typeof envSchema>>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

function validate<Schema extends z.ZodType>(schema: Schema, env: Record<string, string | undefined>): z.output<Schema> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  - ${issue.message}`);
    throw new ConfigError(`Tessera cannot start; fix these settings (see .env.example):\n${lines.join("\n")}`);
  }
  return result.data;
}

/** Validates an environment; throws a ConfigError listing every bad setting. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  return Object.freeze(validate(envSchema, env));
}

export type DatabaseConfig = Readonly<z.output<typeof databaseEnvSchema>>;

/**
 * Only the database settings (and whether this is production), for scripts
 * that must run before a JWT secret exists: migrate, seed, the launcher.
 * They pass an environment that includes the `.env*` files Next.js would load.
 */
export function databaseConfig(env: Record<string, string | undefined> = process.env): DatabaseConfig {
  return Object.freeze(validate(databaseEnvSchema, env));
}

export type MaintenanceConfig = Readonly<z.output<typeof maintenanceEnvSchema>>;

/** The database, session lifetimes and retention, for `npm run db:prune`, which needs no JWT settings. */
export function maintenanceConfig(env: Record<string, string | undefined> = process.env): MaintenanceConfig {
  return Object.freeze(validate(maintenanceEnvSchema, env));
}

let cached: Config | undefined;

/** The validated settings of this process. */
export function config(): Config {
  // Next.js inlines `process.env.X` only for NEXT_PUBLIC_ names; on the server
  // and the Edge runtime `process.env` is the real environment.
  cached ??= parseConfig(process.env);
  return cached;
}
