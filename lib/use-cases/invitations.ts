/**
 * Inviting people into an organization by mail, and accepting (docs/organizations.md).
 * An ADMIN or OWNER invites an address as a role (an ADMIN never as OWNER);
 * the mail carries a one-time link, /invite?token=…, that works for 7 days.
 * Accepting needs a signed-in account whose *confirmed* address is the
 * invited one (403 otherwise): a link forwarded to, or intercepted by,
 * someone else opens nothing. A used, expired, withdrawn or unknown link is
 * 410 `token_invalid`, alike. Inviting, withdrawing and accepting are auth
 * changes whose events name the organization.
 */
import "server-only";
import { db } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { commitAuthChange } from "@/lib/auth/changes";
import { requireMembership, verifySession } from "@/lib/auth/dal";
import { generateOpaqueToken, hashOpaqueToken, isWellFormedOpaqueToken } from "@/lib/auth/opaque-token";
import { guardAllowance } from "@/lib/auth/sign-in/limits";
import { ApiError } from "@/lib/errors";
import { mailInvitation } from "@/lib/mail/invitations";
import { assertMailAvailable } from "@/lib/mail/send";
import { deleteInvitation, insertInvitation, markAccepted, openInvitation, pendingInvitation, pendingInvitations, type InvitationView, type OpenInvitation } from "@/lib/orgs/invitations";
import { insertMembership, roleIn } from "@/lib/orgs/organizations";
import { assertMayInvite, assertMaySeeInvitations, assertMayWithdraw, type OrgRole } from "@/lib/orgs/roles";
import type { ClientInfo } from "@/lib/request/client-info";
import { validate } from "@/lib/request/validate";
import { acceptInvitationSchema, invitationPathSchema, invitationSchema, orgIdSchema } from "@/lib/schemas";
import { noSuchOrganization } from "@/lib/use-cases/orgs";

/** Invitations one account may send in each rate-limit window: enough for a team, too few to make the app a mailer. */
const INVITATIONS_PER_WINDOW = 20;

/**
 * `{email, role}` into organization `id`: mails a one-time link to the
 * address (after the response). A new invitation of the same address
 * replaces the pending one. 429 past INVITATIONS_PER_WINDOW, 503
 * `email_unavailable` where this server cannot send mail.
 */
export async function invite(id: unknown, input: unknown, client: ClientInfo): Promise<InvitationView> {
  const { session, organization } = await requireMembership(validate(orgIdSchema, { id }).id);
  const { email, role } = validate(invitationSchema, input);
  const { user } = session;
  assertMayInvite(organization.role, role);
  assertMailAvailable();
  await guardAllowance(`invite:${user.id}`, INVITATIONS_PER_WINDOW, user.username, client);
  const token = generateOpaqueToken();
  const invitation = await commitAuthChange(async (tx, change) => {
    const actor = await roleIn(organization.id, user.id, tx);
    if (!actor) throw noSuchOrganization();
    assertMayInvite(actor, role);
    const created = await insertInvitation(tx, { organizationId: organization.id, email, role, tokenHash: hashOpaqueToken(token), invitedById: user.id });
    await change.record({ type: "member_invited", username: user.username, userId: user.id, client, organizationId: organization.id });
    return created;
  });
  mailInvitation({ to: email, token, organization: organization.name, role, inviter: user });
  return invitation;
}

/** The pending invitations of organization `{id}`: for its ADMINs and OWNERs. */
export async function listInvitations(input: unknown): Promise<InvitationView[]> {
  const { organization } = await requireMembership(validate(orgIdSchema, input).id);
  assertMaySeeInvitations(organization.role);
  return pendingInvitations(organization.id);
}

/** Withdraws pending invitation `invitationId` of organization `id`: its link stops working (410). */
export async function withdrawInvitation(path: { id: unknown; invitationId: unknown }, client: ClientInfo): Promise<void> {
  const { user } = await verifySession();
  const { id, invitationId } = validate(invitationPathSchema, path);
  await commitAuthChange(async (tx, change) => {
    const actor = await roleIn(id, user.id, tx);
    if (!actor) throw noSuchOrganization();
    const invitation = await pendingInvitation(tx, id, invitationId);
    if (!invitation) throw new ApiError("not_found", "No such invitation.");
    assertMayWithdraw(actor, invitation.role);
    await deleteInvitation(tx, invitation.id);
    await change.record({ type: "invitation_withdrawn", username: user.username, userId: user.id, client, organizationId: id });
  });
}

/** The pending invitation behind a link's token, or null: what /invite shows before anything happens. */
export async function invitationByToken(token: unknown): Promise<OpenInvitation | null> {
  if (typeof token !== "string" || !isWellFormedOpaqueToken(token)) return null;
  return openInvitation(hashOpaqueToken(token));
}

export interface Accepted {
  organization: { id: string; name: string; slug: string };
  role: OrgRole;
}

/**
 * `{token}` from the link: the signed-in caller joins the organization in the
 * invitation's role, if the invited address is their confirmed one (403
 * otherwise, and the link stays usable for its owner). Once only; 409 for
 * someone who is a member already.
 */
export async function acceptInvitation(input: unknown, client: ClientInfo): Promise<Accepted> {
  const { user } = await verifySession();
  const { token } = validate(acceptInvitationSchema, input);
  if (!isWellFormedOpaqueToken(token)) throw new ApiError("token_invalid");
  return alreadyMember(() => commitAuthChange(async (tx, change) => {
    const invitation = await openInvitation(hashOpaqueToken(token), tx);
    if (!invitation) throw new ApiError("token_invalid");
    // Read here, not from the session check: a confirmation a moment ago counts, an address changed a moment ago does not.
    const account = await tx.user.findUnique({ where: { id: user.id }, select: { email: true, emailVerifiedAt: true } });
    if (!account?.emailVerifiedAt || account.email !== invitation.email) {
      throw new ApiError("forbidden", "This invitation is for another email address: accept it with the account whose confirmed address it was sent to.");
    }
    if (await roleIn(invitation.organization.id, user.id, tx)) throw new ApiError("conflict", "You are already a member of this organization.");
    if (!(await markAccepted(tx, invitation.id))) throw new ApiError("token_invalid");
    await insertMembership(tx, invitation.organization.id, user.id, invitation.role);
    await change.record({ type: "invitation_accepted", username: user.username, userId: user.id, client, organizationId: invitation.organization.id });
    change.forget({ users: [user.id] });
    return { organization: invitation.organization, role: invitation.role };
  }));
}

/** Two invitations to one organization accepted at once: the membership's unique key lets one through; the other is told it is in. */
async function alreadyMember<T>(accept: () => Promise<T>): Promise<T> {
  try {
    return await accept();
  } catch (error) {
    if (isUniqueViolation(error)) throw new ApiError("conflict", "You are already a member of this organization.");
    throw error;
  }
}

/** Whether the signed-in user's confirmed address is `email`: the /invite page says what to do when it is not. */
export async function hasConfirmedAddress(userId: string, email: string): Promise<boolean> {
  const row = await db.user.findUnique({ where: { id: userId }, select: { email: true, emailVerifiedAt: true } });
  return Boolean(row?.emailVerifiedAt && row.email === email);
}
