/**
 * Outrunning the sign-in limits: many guesses for one username sent at once
 * (every way there is to present a password), a stolen access token used to
 * guess the current password, and an IPv6 client that rotates addresses within
 * the /64 it was given.
 */
import { describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { call, serverActionForm, uniqueName } from "@/tools/http-client";
import { statusesTenAtATime } from "../support/attempts";
import { throwawayAccounts } from "../support/database";

const { perUsername, perIp } = parseConfig(process.env).rateLimits;
const PARALLEL = 24;
const newUser = throwawayAccounts();

/** What an attacker learns from one attempt: the password was checked (and wrong), refused unchecked, or right. */
interface Outcome {
  kind: "checked" | "refused" | "signed-in";
  retryAfter: number | null;
}

function fromStatus(response: Response): Outcome {
  const kind = response.status === 401 ? "checked" : response.status === 429 ? "refused" : response.status === 200 ? "signed-in" : null;
  if (!kind) throw new Error(`unexpected ${response.status}`);
  return { kind, retryAfter: response.headers.has("retry-after") ? Number(response.headers.get("retry-after")) : null };
}

/** An HTML form post is answered with a redirect: back to /login with the error code, or on to the dashboard. */
function fromRedirect(response: Response): Outcome {
  const location = response.headers.get("location") ?? "";
  const error = new URL(location, "http://app.test").searchParams.get("error");
  const kind = error === "invalid_credentials" ? "checked" : error === "rate_limited" ? "refused" : location === "/dashboard" ? "signed-in" : null;
  if (response.status !== 303 || !kind) throw new Error(`unexpected ${response.status} ${location}`);
  return { kind, retryAfter: null };
}

/** The /login page's server action re-renders the form with its message, or redirects once signed in. */
async function fromActionPage(response: Response): Promise<Outcome> {
  if (response.status === 303) return { kind: "signed-in", retryAfter: null };
  const html = await response.text();
  if (html.includes("Too many attempts. Try again later.")) return { kind: "refused", retryAfter: null };
  if (html.includes("Invalid username or password.")) return { kind: "checked", retryAfter: null };
  throw new Error(`unexpected ${response.status}`);
}

type Attempt = (username: string, password: string) => Promise<Outcome>;

const WAYS: { name: string; attempt: () => Promise<Attempt>; sendsRetryAfter: boolean }[] = [
  {
    name: "POST /api/auth/login (JSON)",
    attempt: async () => async (username, password) => fromStatus(await call("/api/auth/login", { json: { username, password } })),
    sendsRetryAfter: true,
  },
  {
    name: "POST /api/auth/login (HTML form)",
    attempt: async () => async (username, password) => fromRedirect(await call("/api/auth/login", { form: { username, password } })),
    sendsRetryAfter: false,
  },
  {
    name: "POST /api/auth/token",
    attempt: async () => async (username, password) => fromStatus(await call("/api/auth/token", { json: { username, password } })),
    sendsRetryAfter: true,
  },
  {
    name: "POST /api/users/authenticate",
    attempt: async () => async (username, password) => fromStatus(await call("/api/users/authenticate", { json: { uid: username, password } })),
    sendsRetryAfter: true,
  },
  {
    name: "the /login page's sign-in form (server action)",
    attempt: async () => {
      const submit = await serverActionForm("/login");
      return async (username, password) => fromActionPage(await submit({ username, password }));
    },
    sendsRetryAfter: false,
  },
];

describe("per-username limit under parallel guessing", () => {
  it.each(WAYS)("checks at most RATE_LIMIT_PER_USERNAME of 24 parallel wrong passwords: $name", async ({ attempt, sendsRetryAfter }) => {
    const { username, password } = await newUser("parallel");
    const guess = await attempt();
    const outcomes = await Promise.all(Array.from({ length: PARALLEL }, (_, index) => guess(username, `wrong-password-${index}`)));
    const checked = outcomes.filter(({ kind }) => kind === "checked");
    const refused = outcomes.filter(({ kind }) => kind === "refused");
    expect(checked.length).toBeLessThanOrEqual(perUsername);
    expect(checked.length + refused.length).toBe(PARALLEL);
    if (sendsRetryAfter) for (const { retryAfter } of refused) expect(retryAfter).toBeGreaterThan(0);
    // The limit is reached: the right password is refused too, unchecked.
    expect((await guess(username, password)).kind).toBe("refused");
  });
});

describe("guessing the current password with a stolen access token", () => {
  it("counts wrong currentPassword guesses on PATCH /api/users/:id against the username's limit", async () => {
    const { username, password, id } = await newUser("stolen");
    const issued = await call("/api/auth/token", { json: { username, password } });
    const authorization = `Bearer ${(await issued.json()).data.token}`;
    const change = (currentPassword: string) =>
      call(`/api/users/${id}`, { method: "PATCH", headers: { authorization }, json: { password: "the-attackers-password", currentPassword } });

    const statuses = await Promise.all(Array.from({ length: 12 }, (_, index) => change(`guess-number-${index}`).then(({ status }) => status)));
    expect(statuses.filter((status) => status === 400).length).toBeLessThanOrEqual(perUsername);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(12 - perUsername);
    const refused = await change(password);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    // One limit per username: signing in is refused as well.
    expect((await call("/api/auth/login", { json: { username, password } })).status).toBe(429);
  });
});

describe("per-IP limit for IPv6 clients", () => {
  const hex = () => Math.floor(Math.random() * 0xffff).toString(16);
  const login = (username: string, ip: string) =>
    call("/api/auth/login", { json: { username, password: "not-the-password" }, headers: { "x-forwarded-for": ip } });

  /**
   * RATE_LIMIT_PER_IP attempts, each from `nextAddress()`. They aim at one username,
   * locked after its first failures, so most are refused without a bcrypt compare;
   * each still counts against the address it came from.
   */
  async function spendAttempts(nextAddress: (attempt: number) => string): Promise<void> {
    const username = uniqueName("ip-spender");
    const statuses = await statusesTenAtATime(perIp, (attempt) => login(username, nextAddress(attempt)));
    expect(statuses.filter((status) => status === 401)).toHaveLength(perUsername);
    expect(statuses.filter((status) => status === 429)).toHaveLength(perIp - perUsername);
  }

  it("counts every address of one /64 as one client", async () => {
    const prefix = `2001:db8:${hex()}:${hex()}`;
    const inPrefix = () => `${prefix}:${hex()}:${hex()}:${hex()}:${hex()}`;
    await spendAttempts(inPrefix);
    const fresh = uniqueName("nobody");
    expect((await login(fresh, inPrefix())).status).toBe(429);
    expect((await login(fresh, `${prefix.toUpperCase()}::1`)).status).toBe(429);
    // The next /64 is another client.
    expect((await login(fresh, `2001:db8:${hex()}:${hex()}::1`)).status).toBe(401);
  }, 60_000);

  it("counts an IPv4-mapped IPv6 address as the IPv4 address", async () => {
    const v4 = `100.${64 + Math.floor(Math.random() * 64)}.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 254) + 1}`;
    await spendAttempts((attempt) => (attempt % 2 ? `::ffff:${v4}` : v4));
    const fresh = uniqueName("nobody");
    expect((await login(fresh, v4)).status).toBe(429);
    expect((await login(fresh, `::FFFF:${v4}`)).status).toBe(429);
  }, 60_000);
});
