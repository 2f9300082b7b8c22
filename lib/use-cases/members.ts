/**
 * An organization's members: listing them, changing a role, removing someone
 * or leaving (docs/organizations.md has the rules, lib/orgs/roles.ts decides
 * them). Each change runs under the organization's lock, with the roles read
 * inside it, so concurrent changes cannot leave it without an OWNER; it is an
 * auth change whose event names the organization, and the member's sessions
 * are forgotten on every instance, so a demoted ADMIN or a removed member
 * loses access with the next request.
 */
import "server-only";
import { commitAuthChange, type Change } from "@/lib/auth/changes";
import { requireMembership, verifySession } from "@/lib/auth/dal";
import type { Prisma } from "@/lib/db/generated/client";
import { ApiError } from "@/lib/errors";
import { deleteMembership, lockOrganization, membersOf, ownerCount, roleIn, setRole, type MemberView } from "@/lib/orgs/organizations";
import { assertMayChangeRole, assertMayRemove, type OrgRole } from "@/lib/orgs/roles";
import type { ClientInfo } from "@/lib/request/client-info";
import { validate } from "@/lib/request/validate";
import { memberPathSchema, orgIdSchema, orgRoleInputSchema } from "@/lib/schemas";
import { noSuchOrganization } from "@/lib/use-cases/orgs";

/** `{id}`'s members with their roles, for its members. */
export async function listMembers(input: unknown): Promise<MemberView[]> {
  const { organization } = await requireMembership(validate(orgIdSchema, input).id);
  return membersOf(organization.id);
}

interface Parties {
  actor: OrgRole;
  target: MemberView;
  owners: number;
}

/** Inside the change: the organization locked, the caller's role and the member's, as they are now; 404 for a non-member caller or target. */
async function parties(tx: Prisma.TransactionClient, organizationId: string, actorId: string, targetId: string): Promise<Parties> {
  if (!(await lockOrganization(tx, organizationId))) throw noSuchOrganization();
  const actor = await roleIn(organizationId, actorId, tx);
  if (!actor) throw noSuchOrganization();
  const target = await tx.membership.findUnique({
    where: { organizationId_userId: { organizationId, userId: targetId } },
    select: { role: true, createdAt: true, user: { select: { id: true, username: true, name: true } } },
  });
  if (!target) throw new ApiError("not_found", "No such member.");
  const { role, createdAt, user } = target;
  return { actor, target: { userId: user.id, username: user.username, name: user.name, role, joinedAt: createdAt.toISOString() }, owners: await ownerCount(tx, organizationId) };
}

/** What a change to a member leaves behind: the event, and their sessions forgotten. */
async function recorded(change: Change, type: "member_role_changed" | "member_removed" | "member_left", target: Parties["target"], actor: string, organizationId: string, client: ClientInfo) {
  await change.record({ type, username: target.username, userId: target.userId, client, organizationId, ...(type === "member_left" ? {} : { actor }) });
  change.forget({ users: [target.userId] });
}

/** `{role}` for member `userId` of organization `id`: an OWNER sets any role; an ADMIN moves people between MEMBER and ADMIN and never touches an OWNER. */
export async function changeMemberRole(path: { id: unknown; userId: unknown }, input: unknown, client: ClientInfo): Promise<MemberView> {
  const { user } = await verifySession();
  const { id, userId } = validate(memberPathSchema, path);
  const { role } = validate(orgRoleInputSchema, input);
  return commitAuthChange(async (tx, change) => {
    const { actor, target, owners } = await parties(tx, id, user.id, userId);
    assertMayChangeRole(actor, { role: target.role, self: target.userId === user.id }, role, owners);
    if (target.role !== role) {
      await setRole(tx, id, userId, role);
      await recorded(change, "member_role_changed", target, user.username, id, client);
    }
    return { ...target, role };
  });
}

/**
 * Takes member `userId` out of organization `id`: themselves (leaving), or by
 * an ADMIN or OWNER (an ADMIN never removes an OWNER). The last OWNER stays (409).
 * Their sessions stop working in it at once.
 */
export async function removeMember(path: { id: unknown; userId: unknown }, client: ClientInfo): Promise<{ self: boolean }> {
  const { user } = await verifySession();
  const { id, userId } = validate(memberPathSchema, path);
  const self = userId === user.id;
  await commitAuthChange(async (tx, change) => {
    const { actor, target, owners } = await parties(tx, id, user.id, userId);
    assertMayRemove(actor, { role: target.role, self }, owners);
    await deleteMembership(tx, id, userId);
    await recorded(change, self ? "member_left" : "member_removed", target, user.username, id, client);
  });
  return { self };
}
