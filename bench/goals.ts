/**
 * The performance goals a run is judged against, in one place: each figure in the
 * table that has a goal shows it beside the value, with "met" or "MISSED".
 */

/**
 * Vercel's size limits for an Edge function (the middleware), after gzip, by plan:
 * https://vercel.com/docs/functions/limitations#code-size-limit (Hobby 1 MB, Pro 2 MB,
 * Enterprise 4 MB; the builder counts a MB as 1024 × 1024 bytes). The builder
 * (`@vercel/next`, `validateSize`) concatenates the middleware's files and gzips
 * them as one.
 */
export const VERCEL_EDGE_LIMITS_GZIP_BYTES = { Hobby: 1024 * 1024, Pro: 2 * 1024 * 1024, Enterprise: 4 * 1024 * 1024 } as const;

export const GOALS = {
  /** The middleware bundle, gzipped as Vercel measures it: well inside the smallest plan's limit. */
  edgeBundleGzipBytes: 150_000,
  /** /api/auth/me ÷ the reference signed-in route (bench/bench-tree.ts), requests per second. */
  meOverReferenceNoCache: 0.9,
  meOverReferenceWithCache: 1.2,
  /** /api/auth/me ÷ /api/health, requests per second. */
  meOverHealth: 0.85,
  /** /dashboard ÷ /, requests per second. */
  dashboardOverHome: 0.7,
  /** The launcher and its embedded PostgreSQL, proportional set size summed over their processes: half of the 620 MB they once took. */
  launcherMemoryBytes: 310 * 1024 * 1024,
  /** A token-cache hit ÷ the synchronous node:crypto HMAC check (floor (a)). */
  cacheHitOverHmacFloor: 2,
  /** A token-cache miss ÷ a plain verifyAccessToken: hashing the token and storing it should add little. */
  cacheMissOverVerify: 1.25,
  /** Next.js CPU per page request, our middleware ÷ an empty one. */
  middlewareCpu: 1.5,
  /** /api/health p99 while sign-ins saturate the server. */
  healthP99DuringSignInsMs: 50,
  /** verifyAccessToken ÷ the WebCrypto floor (b), HS256. */
  verifyOverWebCryptoFloor: 2.5,
  /** `npm test` in a fresh clone (warm npm cache), every suite: half of the 343 s it once took. */
  npmTestSeconds: 170,
  /** Anchors (iron-session, Auth.js) ÷ verifyAccessToken. */
  anchorsOverVerify: 4,
} as const;

/** A figure judged against its goal. */
export interface GoalCheck {
  goal: string;
  met: boolean;
}

export const atLeast = (value: number, goal: number, shown: string): GoalCheck => ({ goal: `≥ ${shown}`, met: value >= goal });
export const atMost = (value: number, goal: number, shown: string): GoalCheck => ({ goal: `≤ ${shown}`, met: value <= goal });
export const below = (value: number, goal: number, shown: string): GoalCheck => ({ goal: `< ${shown}`, met: value < goal });
