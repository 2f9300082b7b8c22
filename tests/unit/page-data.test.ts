/**
 * Protected pages read their data side by side with the session check
 * (lib/auth/dal.ts `requirePageSessionWith`, `requireAdminPageWith`): the
 * reads start before the database has answered, and what they read is handed
 * over only once it has said yes. The token check, the database and Next.js's
 * redirects are stand-ins here (and the session cache is off), so the order
 * of events can be watched.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { AccessClaims } from "@/lib/edge/tokens";
import type { PublicUserRow } from "@/lib/users/access";

const state = vi.hoisted(() => ({
  claims: null as AccessClaims | null,
  /** Resolves the pending database check with a user row, or null for "not live". */
  answer: undefined as ((row: PublicUserRow | null) => void) | undefined,
  events: [] as string[],
}));

vi.mock("next/headers", () => ({ headers: async () => new Headers() }));
vi.mock("next/navigation", () => ({
  redirect: (to: string) => {
    throw new Error(`redirect ${to}`);
  },
  forbidden: () => {
    throw new Error("forbidden");
  },
}));
vi.mock("@/lib/edge/request-token", async () => {
  const { ApiError } = await import("@/lib/errors");
  return {
    verifyRequestToken: async () => {
      if (!state.claims) throw new ApiError("token_missing");
      return state.claims;
    },
  };
});
vi.mock("@/lib/auth/sessions/cookies", () => ({ recordCookieConflict: async () => {} }));
vi.mock("@/lib/auth/sessions/list", () => ({
  liveSessionUser: () => {
    state.events.push("check started");
    return new Promise((resolve) => (state.answer = (row) => resolve(row ? { user: row, liveAtHorizon: false, org: null } : null)));
  },
}));
// No session cache: every check is the database's.
vi.mock("@/lib/auth/sessions/process-cache", () => ({ sessionCache: () => null }));

const { requireAdminPageWith, requirePageSessionWith } = await import("@/lib/auth/dal");

const USER_ID = "7f1e0c43-8a55-4f6f-9a39-0b4c1ea5d2a1";
const SESSION_ID = "0b9d3c5e-2f41-4e8a-9c1d-5a6b7c8d9e0f";

function claimsFor(role: "USER" | "ADMIN"): AccessClaims {
  return { iss: "tessera", aud: "tessera", sub: USER_ID, username: "toby", role, sid: SESSION_ID, amr: ["pwd"], auth_time: 1, jti: "j", iat: 1, exp: 2 };
}

function row(role: "USER" | "ADMIN"): PublicUserRow {
  return { id: USER_ID, username: "toby", name: "Thomas Edison", dob: null, email: null, emailVerifiedAt: null, role, createdAt: new Date(0) };
}

/** Lets every pending callback run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

function loader<T>(value: T, fail = false) {
  return vi.fn(async () => {
    state.events.push("load started");
    if (fail) throw new Error("read failed");
    return value;
  });
}

beforeEach(() => {
  state.claims = claimsFor("USER");
  state.answer = undefined;
  state.events = [];
});

describe("a protected page's data", () => {
  it("is read while the session is checked, and handed over once the check has passed", async () => {
    const load = loader(["a post"]);
    const page = requirePageSessionWith("/dashboard", load);
    await settle();
    expect(state.events.sort()).toEqual(["check started", "load started"]);
    expect(load).toHaveBeenCalledWith({ userId: USER_ID, sessionId: SESSION_ID, orgClaim: null });
    state.answer!(row("USER"));
    const { data, user } = await page;
    expect(data).toEqual(["a post"]);
    expect(user.username).toBe("toby");
  });

  it("is dropped when the session is no longer live: the visitor is sent to sign in", async () => {
    const page = requirePageSessionWith("/dashboard", loader(["a post"]));
    await settle();
    state.answer!(null);
    await expect(page).rejects.toThrow("redirect /login?next=%2Fdashboard");
  });

  it("is not read at all without a valid token", async () => {
    state.claims = null;
    const load = loader(["a post"]);
    await expect(requirePageSessionWith("/dashboard", load)).rejects.toThrow("redirect /login");
    expect(load).not.toHaveBeenCalled();
  });

  it("answers a failed read only for a session that passed; otherwise the refusal wins", async () => {
    const refused = requirePageSessionWith("/dashboard", loader(null, true));
    await settle();
    state.answer!(null);
    await expect(refused).rejects.toThrow("redirect");

    const signedIn = requirePageSessionWith("/dashboard", loader(null, true));
    await settle();
    state.answer!(row("USER"));
    await expect(signedIn).rejects.toThrow("read failed");
  });
});

describe("an ADMIN page's data", () => {
  it("is read beside the check when the token says ADMIN, and handed over when the database agrees", async () => {
    state.claims = claimsFor("ADMIN");
    const load = loader("the users");
    const page = requireAdminPageWith("/admin", load);
    await settle();
    expect(state.events.sort()).toEqual(["check started", "load started"]);
    expect(load).toHaveBeenCalledWith({ id: USER_ID, role: "ADMIN" });
    state.answer!(row("ADMIN"));
    expect((await page).data).toBe("the users");
  });

  it("is dropped when the database says the user is no ADMIN (demoted since the token was issued)", async () => {
    state.claims = claimsFor("ADMIN");
    const page = requireAdminPageWith("/admin", loader("the users"));
    await settle();
    state.answer!(row("USER"));
    await expect(page).rejects.toThrow("forbidden");
  });

  it("is not read for a token that says USER until the database has said ADMIN", async () => {
    const load = loader("the users");
    const refused = requireAdminPageWith("/admin", load);
    await settle();
    expect(state.events).toEqual(["check started"]);
    state.answer!(row("USER"));
    await expect(refused).rejects.toThrow("forbidden");
    expect(load).not.toHaveBeenCalled();

    // Promoted since the token was issued: the database's word counts, and the reads follow it.
    const promoted = requireAdminPageWith("/admin", load);
    await settle();
    state.answer!(row("ADMIN"));
    expect((await promoted).data).toBe("the users");
    expect(load).toHaveBeenCalledTimes(1);
  });
});
