/**
 * Organizations as the API and the pages manage them (docs/organizations.md):
 * creating, listing, reading, renaming and deleting one, and choosing the one
 * this session works in. Members and invitations are ./members.ts and
 * ./invitations.ts. Every change that decides who may do what in an
 * organization is an auth change (lib/auth/changes.ts): its audit event names
 * the organization, and every instance's session cache forgets whom it
 * concerns. A caller who is not a member gets 404 for everything about an
 * organization, the same as for one that does not exist.
 */
import "server-only";
import { headers } from "next/headers";
import { commitAuthChange } from "@/lib/auth/changes";
import { requireMembership, verifySession } from "@/lib/auth/dal";
import { setSessionCookies } from "@/lib/auth/sessions/cookies";
import { currentProof, issueAccessToken } from "@/lib/auth/sessions/start";
import { assertRecentAuth } from "@/lib/auth/step-up";
import { isUniqueViolation } from "@/lib/db/errors";
import { bearerToken } from "@/lib/edge/cookies";
import type { IssuedToken } from "@/lib/edge/tokens";
import { ApiError } from "@/lib/errors";
import { setActiveOrganization, shareOrganization } from "@/lib/orgs/active";
import {
  insertOrganization,
  lockOrganization,
  memberIds,
  organizationForMember,
  organizationsOf,
  removeOrganization,
  roleIn,
  updateOrganization as writeOrganization,
  type MemberOrganization,
} from "@/lib/orgs/organizations";
import { assertMayDelete, assertMayRename } from "@/lib/orgs/roles";
import type { ClientInfo } from "@/lib/request/client-info";
import { validate } from "@/lib/request/validate";
import { createOrgSchema, orgIdSchema, switchOrgSchema, updateOrgSchema } from "@/lib/schemas";

/** The one answer to a slug another organization has. */
function slugTaken(): ApiError {
  return new ApiError("conflict", "That slug is taken.", { fields: { slug: "That slug is taken." } });
}

export function noSuchOrganization(): ApiError {
  return new ApiError("not_found", "No such organization.");
}

/** Runs a change whose unique violation can only be the slug. */
async function withSlug<T>(change: () => Promise<T>): Promise<T> {
  try {
    return await change();
  } catch (error) {
    if (isUniqueViolation(error)) throw slugTaken();
    throw error;
  }
}

/** `{name, slug?}`: a new organization whose OWNER is the caller; without a slug, one is made from the name. */
export async function createOrganization(input: unknown, client: ClientInfo): Promise<MemberOrganization> {
  const { user } = await verifySession();
  const { name, slug } = validate(createOrgSchema, input);
  const organization = await withSlug(() =>
    commitAuthChange(async (tx, change) => {
      const created = await insertOrganization(tx, { name, slug, ownerId: user.id });
      await change.record({ type: "org_created", username: user.username, userId: user.id, client, organizationId: created.id });
      change.forget({ users: [user.id] });
      return created;
    }),
  );
  return { ...organization, role: "OWNER", members: 1 };
}

/** The caller's organizations, with their role in each. */
export async function listOrganizations(): Promise<MemberOrganization[]> {
  const { user } = await verifySession();
  return organizationsOf(user.id);
}

/** `{id}`, for its members. */
export async function getOrganization(input: unknown): Promise<MemberOrganization> {
  const { organization } = await requireMembership(validate(orgIdSchema, input).id);
  return organization;
}

/** `{name?, slug?}` of organization `id`: ADMIN or OWNER. */
export async function updateOrganization(id: unknown, input: unknown, client: ClientInfo): Promise<MemberOrganization> {
  const { user } = await verifySession();
  const organizationId = validate(orgIdSchema, { id }).id;
  const changes = validate(updateOrgSchema, input);
  return withSlug(() =>
    commitAuthChange(async (tx, change) => {
      if (!(await lockOrganization(tx, organizationId))) throw noSuchOrganization();
      const role = await roleIn(organizationId, user.id, tx);
      if (!role) throw noSuchOrganization();
      assertMayRename(role);
      await writeOrganization(tx, organizationId, changes);
      await change.record({ type: "org_renamed", username: user.username, userId: user.id, client, organizationId });
      // Sessions show their organization's name and slug: every member's are forgotten (the database tells the other instances).
      change.forget({ users: await memberIds(tx, organizationId) });
      return (await organizationForMember({ id: organizationId }, user.id, tx))!;
    }),
  );
}

/**
 * Deletes organization `{id}` with its memberships, invitations and posts:
 * its OWNER, after a recent sign-in (`reauth_required` otherwise). Every
 * session working in it works in none from then on.
 */
export async function deleteOrganization(input: unknown, client: ClientInfo): Promise<void> {
  const session = await verifySession();
  const { user } = session;
  const { id } = validate(orgIdSchema, input);
  const role = await roleIn(id, user.id);
  if (!role) throw noSuchOrganization();
  assertMayDelete(role);
  await assertRecentAuth(session.sessionId);
  await commitAuthChange(async (tx, change) => {
    if (!(await lockOrganization(tx, id))) throw noSuchOrganization();
    assertMayDelete((await roleIn(id, user.id, tx)) ?? "MEMBER");
    const members = await memberIds(tx, id);
    await removeOrganization(tx, id);
    await change.record({ type: "org_deleted", username: user.username, userId: user.id, client, organizationId: id });
    change.forget({ users: members });
  });
}

export interface Switched {
  /** The organization the session now works in, or null for none. */
  organization: MemberOrganization | null;
  token: IssuedToken;
  /** The request came with a Bearer token: the new one goes back in the answer, not in a cookie. */
  bearer: boolean;
}

/**
 * `{orgId}` (or `{orgId: null}`): the organization this session works in
 * from now on, which only a member may choose (404 otherwise), and a fresh
 * access token that names it: in the session cookie, or in the answer for a
 * client that sent a Bearer token.
 */
export async function switchOrganization(input: unknown, client: ClientInfo): Promise<Switched> {
  const { user, sessionId } = await verifySession();
  const { orgId } = validate(switchOrgSchema, input);
  const organization = await commitAuthChange(async (tx, change) => {
    // Shared with other switches, exclusive of membership changes: a membership that ends while this runs ends after it, and takes the switch with it.
    if (orgId && !(await shareOrganization(tx, orgId))) throw noSuchOrganization();
    const chosen = orgId ? await organizationForMember({ id: orgId }, user.id, tx) : null;
    if (orgId && !chosen) throw noSuchOrganization();
    if (!(await setActiveOrganization(tx, sessionId, orgId))) throw new ApiError("token_revoked");
    await change.record({ type: "org_switched", username: user.username, userId: user.id, client, organizationId: orgId });
    change.forget({ sessions: [sessionId] });
    return chosen;
  });
  const token = await issueAccessToken(user, await currentProof(sessionId), organization && { id: organization.id, slug: organization.slug, role: organization.role });
  const bearer = bearerToken(await headers()) !== undefined;
  if (!bearer) await setSessionCookies({ token });
  return { organization, token, bearer };
}
