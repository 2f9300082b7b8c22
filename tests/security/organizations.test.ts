/**
 * Organizations under attack, over HTTP: tenants that must not see each
 * other, roles that must not grow, invitations that must work once and only
 * for their address, and a removed member whose cookie must stop working in
 * the organization at once (on another instance too: the session cache's
 * tests, tests/instances/session-cache.test.ts). Two organizations: A
 * (an OWNER, an ADMIN, a MEMBER) and B (its OWNER, an outsider to A). Four
 * accounts for the whole file, memberships set up once, rows aged with SQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, signInFully, TEST_PASSWORD, uniqueName, type Signed } from "@/tools/http-client";
import { cookieHeader, refreshCookie, sessionCookie } from "@/tools/cookies";
import { ageSignIn, deleteUsers, query } from "../support/database";
import { linkIn, uniqueAddress, waitForMail } from "../support/mailbox";
import { decodeClaims, forgeToken } from "../support/tokens";

interface Account {
  id: string;
  username: string;
  signed: Signed;
  /** The Cookie header this client sends now (it changes when the session switches organization). */
  cookie: string;
}

let owner: Account;
let admin: Account;
let member: Account;
let outsider: Account;
let orgA: string;
let orgB: string;
const created: string[] = [];
const accounts: string[] = [];

/**
 * A set-up request, tried again after its Retry-After when the server answers
 * 503 (on a loaded machine a new database connection can take longer than
 * DB_TIMEOUT_MS), as a client would: the file's accounts are made once, and
 * one slow connection must not skip every test in it.
 */
async function settingUp(request: () => Promise<Response>): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    const response = await request();
    if (response.status !== 503 || attempt === 3) return response;
    await new Promise((resolve) => setTimeout(resolve, Number(response.headers.get("retry-after") ?? "5") * 1000));
  }
}

async function account(prefix: string): Promise<Account> {
  const username = uniqueName(prefix);
  const registered = await settingUp(() => call("/api/auth/register", { json: { username, password: TEST_PASSWORD, name: "Test User" } }));
  expect(registered.status, await registered.clone().text()).toBe(201);
  const [access, refresh] = [sessionCookie(registered)!, refreshCookie(registered)!];
  const { id } = (await registered.json()).data.user;
  accounts.push(id);
  const signed: Signed = { access: cookieHeader(access), refresh: cookieHeader(refresh), token: access.value, refreshToken: refresh.value, userId: id };
  return { id, username, signed, cookie: signed.access };
}

async function createOrg(who: Account, name: string): Promise<string> {
  const response = await call("/api/orgs", { json: { name, slug: `${name.toLowerCase()}-${crypto.randomUUID().slice(0, 8)}` }, cookie: who.cookie });
  expect(response.status).toBe(201);
  const { id } = (await response.json()).data;
  created.push(id);
  return id;
}

async function join(organizationId: string, who: Account, role: "OWNER" | "ADMIN" | "MEMBER"): Promise<void> {
  await query(`INSERT INTO "Membership" ("id", "organizationId", "userId", "role") VALUES (gen_random_uuid(), $1, $2, $3::"OrgRole")`, [organizationId, who.id, role]);
}

async function roleOf(organizationId: string, who: Account): Promise<string | undefined> {
  const [row] = await query<{ role: string }>(`SELECT "role"::text AS "role" FROM "Membership" WHERE "organizationId" = $1 AND "userId" = $2`, [organizationId, who.id]);
  return row?.role;
}

/** Gives `who`'s account the confirmed address `email`, as the confirmation link would. */
async function confirmAddress(who: Account, email: string): Promise<void> {
  await query(`UPDATE "User" SET "email" = $2, "emailVerifiedAt" = now() WHERE "id" = $1`, [who.id, email]);
}

/** Switches `who`'s session to `orgId` and keeps the new access cookie. */
async function switchTo(who: Account, orgId: string | null): Promise<Response> {
  const response = await call("/api/auth/org", { method: "PUT", json: { orgId }, cookie: who.cookie });
  const cookie = sessionCookie(response);
  if (response.status === 200 && cookie) who.cookie = cookieHeader(cookie);
  return response;
}

/** Invites `email` into `orgId` as `who`, and returns the token of the link the mail carried. */
async function invitationToken(who: Account, orgId: string, email: string, role = "MEMBER"): Promise<{ id: string; token: string }> {
  const since = new Date();
  const response = await call(`/api/orgs/${orgId}/invitations`, { json: { email, role }, cookie: who.cookie });
  expect(response.status).toBe(201);
  const { id } = (await response.json()).data;
  const link = new URL(linkIn(await waitForMail(email, { subject: /invited/, after: since }), "/invite"));
  return { id, token: link.searchParams.get("token")! };
}

const accept = (who: Account, token: string) => call("/api/invitations/accept", { json: { token }, cookie: who.cookie });

beforeAll(async () => {
  // One after another: they queue for the bcrypt workers anyway, and a burst would have the server open database connections all at once.
  // Each keeps the session its registration opened.
  owner = await account("org-owner");
  admin = await account("org-admin");
  member = await account("org-member");
  outsider = await account("org-outsider");
  orgA = await createOrg(owner, "Alpha");
  orgB = await createOrg(outsider, "Beta");
  await join(orgA, admin, "ADMIN");
  await join(orgA, member, "MEMBER");
}, 120_000);
afterAll(async () => {
  await query(`DELETE FROM "Organization" WHERE "id" = ANY($1::uuid[])`, [created]);
  await deleteUsers(accounts);
});

describe("organizations: tenants", () => {
  it("answers 404 for every route of an organization the caller is not a member of, exactly as for one that does not exist", async () => {
    const { id: pending } = await invitationToken(owner, orgA, uniqueAddress("probe"));
    const routes = (org: string): [string, string, unknown?][] => [
      ["GET", `/api/orgs/${org}`],
      ["PATCH", `/api/orgs/${org}`, { name: "Taken Over" }],
      ["DELETE", `/api/orgs/${org}`],
      ["GET", `/api/orgs/${org}/members`],
      ["PATCH", `/api/orgs/${org}/members/${owner.id}`, { role: "MEMBER" }],
      ["DELETE", `/api/orgs/${org}/members/${member.id}`],
      ["GET", `/api/orgs/${org}/invitations`],
      ["POST", `/api/orgs/${org}/invitations`, { email: uniqueAddress("probe"), role: "OWNER" }],
      ["DELETE", `/api/orgs/${org}/invitations/${pending}`],
    ];
    const nowhere = crypto.randomUUID();
    for (const [index, [method, path, json]] of routes(orgA).entries()) {
      const response = await call(path, { method, cookie: outsider.cookie, ...(json ? { json } : {}) });
      expect(response.status, `${method} ${path}`).toBe(404);
      const body = await response.json();
      expect(body).toMatchObject({ error: "not_found", data: null });
      const [, missingPath, missingJson] = routes(nowhere)[index]!;
      const missing = await call(missingPath, { method, cookie: outsider.cookie, ...(missingJson ? { json: missingJson } : {}) });
      expect(await missing.json(), `${method} ${missingPath}`).toEqual(body);
    }
    expect(await roleOf(orgA, owner)).toBe("OWNER");
    expect(await roleOf(orgA, member)).toBe("MEMBER");
    expect((await query(`SELECT 1 FROM "Invitation" WHERE "id" = $1`, [pending])).length).toBe(1);
  });

  it("answers 404 for another organization's members and invitations under one's own organization's path", async () => {
    const { id: theirs } = await invitationToken(outsider, orgB, uniqueAddress("theirs"));
    expect((await call(`/api/orgs/${orgA}/invitations/${theirs}`, { method: "DELETE", cookie: owner.cookie })).status).toBe(404);
    expect((await call(`/api/orgs/${orgA}/members/${outsider.id}`, { method: "PATCH", json: { role: "MEMBER" }, cookie: owner.cookie })).status).toBe(404);
    expect((await call(`/api/orgs/${orgA}/members/${outsider.id}`, { method: "DELETE", cookie: owner.cookie })).status).toBe(404);
    expect(await roleOf(orgB, outsider)).toBe("OWNER");
    expect((await query(`SELECT 1 FROM "Invitation" WHERE "id" = $1`, [theirs])).length).toBe(1);
  });

  it("does not switch a session to an organization its user does not belong to, nor trust a forged org_role", async () => {
    const refused = await switchTo(member, orgB);
    expect(refused.status).toBe(404);
    expect(sessionCookie(refused)).toBeUndefined();
    expect((await switchTo(member, crypto.randomUUID())).status).toBe(404);

    const switched = await switchTo(member, orgA);
    expect(switched.status).toBe(200);
    expect(decodeClaims(member.cookie.split("=")[1]!)).toMatchObject({ org: orgA, org_role: "MEMBER" });

    // A token that claims OWNER, or an organization the session never switched to, is only as good as the database says.
    const claims = decodeClaims(member.cookie.split("=")[1]!);
    const asOwner = `${member.cookie.split("=")[0]}=${await forgeToken({ ...claims, org_role: "OWNER" })}`;
    expect((await call(`/api/orgs/${orgA}`, { method: "PATCH", json: { name: "Renamed By A Member" }, cookie: asOwner })).status).toBe(403);
    expect((await (await call("/api/auth/me", { cookie: asOwner })).json()).data.organization).toMatchObject({ id: orgA, role: "MEMBER" });
    const intoB = `${member.cookie.split("=")[0]}=${await forgeToken({ ...claims, org: orgB, org_role: "OWNER" })}`;
    expect((await (await call("/api/auth/me", { cookie: intoB })).json()).data.organization).toBeNull();
  });

  it("never shows a post of another organization: not in the list, not by id", async () => {
    await switchTo(outsider, orgB);
    await switchTo(owner, orgA);
    const write = async (who: Account, note: string) => (await (await call("/api/posts", { json: { note }, cookie: who.cookie })).json()).data;
    const inB = await write(outsider, "Beta's plans");
    const inA = await write(owner, "Alpha's plans");
    expect(inB.orgId).toBe(orgB);
    expect(inA.orgId).toBe(orgA);

    const seenByMember = (await (await call("/api/posts", { cookie: member.cookie })).json()).data.posts.map((post: { id: string }) => post.id);
    expect(seenByMember).toContain(inA.id);
    expect(seenByMember).not.toContain(inB.id);
    expect((await call(`/api/posts/${inB.id}`, { cookie: member.cookie })).status).toBe(404);
    expect((await call(`/api/posts/${inA.id}`, { cookie: outsider.cookie })).status).toBe(404);
    expect((await call(`/api/posts/${inA.id}`, { cookie: member.cookie })).status).toBe(200);
    // A forged claim of B does not open B's posts to a member of A.
    const claims = decodeClaims(member.cookie.split("=")[1]!);
    const intoB = `${member.cookie.split("=")[0]}=${await forgeToken({ ...claims, org: orgB, org_slug: "beta", org_role: "OWNER" })}`;
    expect((await (await call("/api/posts", { cookie: intoB })).json()).data.posts.map((post: { id: string }) => post.id)).not.toContain(inB.id);
  });
});

describe("organizations: input", () => {
  it("answers bad input with 400 and the field at fault, and takes a slug only once", async () => {
    const attempts: [string, string, unknown, string][] = [
      ["POST", "/api/orgs", { name: "x" }, "name"],
      ["POST", "/api/orgs", { name: "Fine Name", slug: "Not A Slug" }, "slug"],
      ["POST", "/api/orgs", { name: "Fine Name", role: "OWNER" }, "body"],
      ["PATCH", `/api/orgs/${orgA}`, {}, "name"],
      ["PATCH", `/api/orgs/${orgA}/members/${member.id}`, { role: "ROOT" }, "role"],
      ["POST", `/api/orgs/${orgA}/invitations`, { email: "not-an-address", role: "MEMBER" }, "email"],
      ["PUT", "/api/auth/org", { orgId: "menlo-park" }, "orgId"],
      ["POST", "/api/invitations/accept", { token: 42 }, "token"],
    ];
    for (const [method, path, json, field] of attempts) {
      const response = await call(path, { method, json, cookie: owner.cookie });
      expect(response.status, `${method} ${path}`).toBe(400);
      expect(Object.keys((await response.json()).fields ?? { body: "" }), `${method} ${path}`).toContain(field);
    }
    const slug = `taken-${crypto.randomUUID().slice(0, 8)}`;
    const first = await call("/api/orgs", { json: { name: "First", slug }, cookie: owner.cookie });
    expect(first.status).toBe(201);
    created.push((await first.json()).data.id);
    const second = await call("/api/orgs", { json: { name: "Second", slug }, cookie: outsider.cookie });
    expect(second.status).toBe(409);
    expect((await second.json()).fields).toEqual({ slug: "That slug is taken." });
  });
});

describe("organizations: roles", () => {
  it("does not let an ADMIN make themselves or anyone else OWNER, nor touch an OWNER", async () => {
    const attempts: [string, string, unknown?][] = [
      ["PATCH", `/api/orgs/${orgA}/members/${admin.id}`, { role: "OWNER" }],
      ["PATCH", `/api/orgs/${orgA}/members/${member.id}`, { role: "OWNER" }],
      ["PATCH", `/api/orgs/${orgA}/members/${owner.id}`, { role: "MEMBER" }],
      ["DELETE", `/api/orgs/${orgA}/members/${owner.id}`],
      ["POST", `/api/orgs/${orgA}/invitations`, { email: uniqueAddress("crown"), role: "OWNER" }],
      ["DELETE", `/api/orgs/${orgA}`],
    ];
    for (const [method, path, json] of attempts) {
      const response = await call(path, { method, cookie: admin.cookie, ...(json ? { json } : {}) });
      expect(response.status, `${method} ${path}`).toBe(403);
      expect((await response.json()).error).toBe("forbidden");
    }
    expect([await roleOf(orgA, owner), await roleOf(orgA, admin), await roleOf(orgA, member)]).toEqual(["OWNER", "ADMIN", "MEMBER"]);
  });

  it("does not let a MEMBER invite, rename, see invitations or change roles", async () => {
    const attempts: [string, string, unknown?][] = [
      ["POST", `/api/orgs/${orgA}/invitations`, { email: uniqueAddress("friend"), role: "MEMBER" }],
      ["GET", `/api/orgs/${orgA}/invitations`],
      ["PATCH", `/api/orgs/${orgA}`, { name: "Members Rule" }],
      ["PATCH", `/api/orgs/${orgA}/members/${member.id}`, { role: "ADMIN" }],
      ["DELETE", `/api/orgs/${orgA}/members/${admin.id}`],
    ];
    for (const [method, path, json] of attempts) {
      expect((await call(path, { method, cookie: member.cookie, ...(json ? { json } : {}) })).status, `${method} ${path}`).toBe(403);
    }
    expect(await roleOf(orgA, member)).toBe("MEMBER");
    expect(await roleOf(orgA, admin)).toBe("ADMIN");
  });

  it("keeps the last OWNER: leaving, being demoted or removed answers 409", async () => {
    for (const [method, json] of [["DELETE"], ["PATCH", { role: "ADMIN" }]] as const) {
      const response = await call(`/api/orgs/${orgA}/members/${owner.id}`, { method, cookie: owner.cookie, ...(json ? { json } : {}) });
      expect(response.status).toBe(409);
      expect((await response.json()).message).toMatch(/OWNER/);
    }
    expect(await roleOf(orgA, owner)).toBe("OWNER");
  });

  it("leaves an OWNER standing when two OWNERs remove each other at the same moment", async () => {
    const orgC = await createOrg(owner, "Gamma");
    await join(orgC, outsider, "OWNER");
    const statuses = await Promise.all([
      call(`/api/orgs/${orgC}/members/${outsider.id}`, { method: "DELETE", cookie: owner.cookie }),
      call(`/api/orgs/${orgC}/members/${owner.id}`, { method: "DELETE", cookie: outsider.cookie }),
    ]).then((responses) => responses.map((response) => response.status).sort());
    // One goes first; the other then acts as someone who is no longer a member.
    expect(statuses).toEqual([204, 404]);
    const [row] = await query<{ owners: number }>(`SELECT count(*)::int AS "owners" FROM "Membership" WHERE "organizationId" = $1 AND "role" = 'OWNER'`, [orgC]);
    expect(row?.owners).toBe(1);
  });

  it("deletes an organization only for its OWNER after a recent sign-in, and its sessions then work in none", async () => {
    const orgD = await createOrg(owner, "Delta");
    await join(orgD, member, "MEMBER");
    const memberAlone = await signInFully(member.username, TEST_PASSWORD);
    const memberHere: Account = { ...member, signed: memberAlone, cookie: memberAlone.access };
    await switchTo(memberHere, orgD);
    await ageSignIn(decodeClaims(owner.cookie.split("=")[1]!).sid as string, 3600);
    const stale = await call(`/api/orgs/${orgD}`, { method: "DELETE", cookie: owner.cookie });
    expect(stale.status).toBe(403);
    expect((await stale.json()).error).toBe("reauth_required");
    expect((await call("/api/auth/reauth", { json: { password: TEST_PASSWORD }, cookie: owner.cookie })).status).toBe(204);
    expect((await call(`/api/orgs/${orgD}`, { method: "DELETE", cookie: owner.cookie })).status).toBe(204);
    expect((await (await call("/api/auth/me", { cookie: memberHere.cookie })).json()).data.organization).toBeNull();
    const [session] = await query<{ activeOrgId: string | null }>(`SELECT "activeOrgId" FROM "Session" WHERE "id" = $1`, [decodeClaims(memberAlone.token).sid]);
    expect(session!.activeOrgId).toBeNull();
    const events = await query(`SELECT 1 FROM "AuthEvent" WHERE "type" = 'org_deleted' AND "organizationId" = $1 AND "userId" = $2`, [orgD, owner.id]);
    expect(events).toHaveLength(1);
  });
});

describe("organizations: invitations", () => {
  it("accepts an invitation only with the invited address confirmed, once", async () => {
    const address = uniqueAddress("invitee");
    const { token } = await invitationToken(owner, orgA, address);
    await confirmAddress(member, uniqueAddress("someone-else"));
    const wrong = await accept(member, token);
    expect(wrong.status).toBe(403);
    expect((await wrong.json()).error).toBe("forbidden");

    // The invited address, claimed but not confirmed, is not enough.
    await query(`UPDATE "User" SET "email" = $2, "emailVerifiedAt" = NULL WHERE "id" = $1`, [outsider.id, address]);
    expect((await accept(outsider, token)).status).toBe(403);

    await confirmAddress(outsider, address);
    const accepted = await accept(outsider, token);
    expect(accepted.status).toBe(200);
    expect((await accepted.json()).data).toMatchObject({ organization: { id: orgA }, role: "MEMBER" });
    expect(await roleOf(orgA, outsider)).toBe("MEMBER");

    const again = await accept(outsider, token);
    expect(again.status).toBe(410);
    expect((await again.json()).error).toBe("token_invalid");
    expect((await query(`SELECT 1 FROM "AuthEvent" WHERE "type" = 'invitation_accepted' AND "organizationId" = $1 AND "userId" = $2`, [orgA, outsider.id])).length).toBe(1);
    await query(`DELETE FROM "Membership" WHERE "organizationId" = $1 AND "userId" = $2`, [orgA, outsider.id]);
  });

  it("refuses an expired invitation and a withdrawn one with 410, and a link that was never issued alike", async () => {
    const expiring = uniqueAddress("late");
    const expired = await invitationToken(owner, orgA, expiring);
    await query(`UPDATE "Invitation" SET "expiresAt" = now() - interval '1 minute', "createdAt" = now() - interval '8 days' WHERE "id" = $1`, [expired.id]);
    await confirmAddress(outsider, expiring);
    const late = await accept(outsider, expired.token);
    expect(late.status).toBe(410);
    expect((await late.json()).error).toBe("token_invalid");

    const withdrawing = uniqueAddress("withdrawn");
    const withdrawn = await invitationToken(owner, orgA, withdrawing);
    expect((await call(`/api/orgs/${orgA}/invitations`, { cookie: admin.cookie }).then((response) => response.json())).data.invitations.map((entry: { id: string }) => entry.id)).toContain(withdrawn.id);
    expect((await call(`/api/orgs/${orgA}/invitations/${withdrawn.id}`, { method: "DELETE", cookie: admin.cookie })).status).toBe(204);
    await confirmAddress(outsider, withdrawing);
    expect((await accept(outsider, withdrawn.token)).status).toBe(410);
    expect((await accept(outsider, "A".repeat(43))).status).toBe(410);
    expect(await roleOf(orgA, outsider)).toBeUndefined();
  });
});
