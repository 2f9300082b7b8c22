/**
 * Who may do what in an organization, decided in this one place and pure, so
 * the API, the pages (which show only the buttons a member may use) and the
 * unit tests read the same rules (docs/organizations.md):
 *
 * - OWNER: everything, deleting the organization and making OWNERs included.
 * - ADMIN: rename, invite and withdraw invitations, move people between
 *   MEMBER and ADMIN and remove them; never touches an OWNER, never makes one.
 * - MEMBER: read, leave.
 *
 * An organization always keeps an OWNER: the last one can neither leave, nor
 * be demoted, nor be removed (409). Callers pass the role read from the
 * database in the change's transaction, never the token's `org_role`.
 */
import { ApiError } from "@/lib/errors";
import type { OrgRole } from "@/lib/edge/org-claims";

export type { OrgRole };

export const ORG_ROLES: readonly OrgRole[] = ["OWNER", "ADMIN", "MEMBER"];

/** The roles an ADMIN deals in. */
const ADMIN_ROLES: readonly OrgRole[] = ["ADMIN", "MEMBER"];

const LAST_OWNER = "An organization needs an OWNER: make someone else OWNER first.";

/** A member acted on, as the rules see them: their role, and whether they are the one acting. */
export interface MemberRole {
  role: OrgRole;
  self: boolean;
}

/** Renaming, inviting, withdrawing invitations, managing members: ADMIN or OWNER. */
export function managesMembers(role: OrgRole): boolean {
  return role === "OWNER" || role === "ADMIN";
}

export function assertMayRename(actor: OrgRole): void {
  if (!managesMembers(actor)) throw new ApiError("forbidden", "Only an ADMIN or OWNER can rename the organization.");
}

export function assertMayDelete(actor: OrgRole): void {
  if (actor !== "OWNER") throw new ApiError("forbidden", "Only an OWNER can delete the organization.");
}

/** Whether `actor` may see and withdraw the pending invitations. */
export function assertMaySeeInvitations(actor: OrgRole): void {
  if (!managesMembers(actor)) throw new ApiError("forbidden", "Only an ADMIN or OWNER can see the invitations.");
}

/** The roles `actor` may invite someone as: an ADMIN never makes an OWNER. */
export function invitableRoles(actor: OrgRole): readonly OrgRole[] {
  if (actor === "OWNER") return ORG_ROLES;
  return actor === "ADMIN" ? ADMIN_ROLES : [];
}

export function assertMayInvite(actor: OrgRole, invited: OrgRole): void {
  if (!managesMembers(actor)) throw new ApiError("forbidden", "Only an ADMIN or OWNER can invite people.");
  if (!invitableRoles(actor).includes(invited)) throw new ApiError("forbidden", "Only an OWNER can invite an OWNER.");
}

/** Withdrawing an invitation: whoever could have sent it. */
export function assertMayWithdraw(actor: OrgRole, invited: OrgRole): void {
  if (!managesMembers(actor)) throw new ApiError("forbidden", "Only an ADMIN or OWNER can withdraw invitations.");
  if (!invitableRoles(actor).includes(invited)) throw new ApiError("forbidden", "Only an OWNER can withdraw an invitation to be OWNER.");
}

/**
 * The roles `actor` may give `target` (their current one included), with
 * `owners` OWNERs in the organization; empty when `actor` may not change
 * `target`'s role at all.
 */
export function assignableRoles(actor: OrgRole, target: MemberRole, owners: number): readonly OrgRole[] {
  if (actor === "OWNER") return target.role === "OWNER" && owners <= 1 ? ["OWNER"] : ORG_ROLES;
  if (actor === "ADMIN" && target.role !== "OWNER") return ADMIN_ROLES;
  return [];
}

export function assertMayChangeRole(actor: OrgRole, target: MemberRole, role: OrgRole, owners: number): void {
  if (!managesMembers(actor)) throw new ApiError("forbidden", "Only an ADMIN or OWNER can change roles.");
  if (actor === "ADMIN" && target.role === "OWNER") throw new ApiError("forbidden", "Only an OWNER can change an OWNER's role.");
  if (actor === "ADMIN" && role === "OWNER") throw new ApiError("forbidden", "Only an OWNER can make someone an OWNER.");
  if (target.role === "OWNER" && role !== "OWNER" && owners <= 1) throw new ApiError("conflict", LAST_OWNER);
}

/** Whether `actor` may take `target` out of the organization (`target.self`: leaving it). */
export function mayRemove(actor: OrgRole, target: MemberRole, owners: number): boolean {
  if (target.role === "OWNER" && owners <= 1) return false;
  if (target.self) return true;
  return actor === "OWNER" || (actor === "ADMIN" && target.role !== "OWNER");
}

export function assertMayRemove(actor: OrgRole, target: MemberRole, owners: number): void {
  if (!target.self && !managesMembers(actor)) throw new ApiError("forbidden", "Only an ADMIN or OWNER can remove members.");
  if (!target.self && actor === "ADMIN" && target.role === "OWNER") throw new ApiError("forbidden", "Only an OWNER can remove an OWNER.");
  if (target.role === "OWNER" && owners <= 1) throw new ApiError("conflict", target.self ? `You are its last OWNER. ${LAST_OWNER}` : LAST_OWNER);
}
