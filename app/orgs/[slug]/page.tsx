import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { switchOrgAction } from "@/app/_actions/orgs";
import { DataTable } from "@/app/_components/data-table";
import { DeleteOrgButton, InviteForm, RemoveMemberButton, RenameOrgForm, RoleForm, WithdrawButton } from "@/app/_components/org-forms";
import { requirePageSessionWith } from "@/lib/auth/dal";
import { ORG_SLUG_PATTERN } from "@/lib/edge/org-claims";
import { formatDateTime } from "@/lib/format";
import { renderWhenAvailable } from "@/lib/http/unavailable";
import { pendingInvitations, type InvitationView } from "@/lib/orgs/invitations";
import { membersOf, organizationForMember } from "@/lib/orgs/organizations";
import { assignableRoles, invitableRoles, managesMembers, mayRemove } from "@/lib/orgs/roles";

export const metadata: Metadata = { title: "Organization" };

/** The organization, its members, and (for ADMINs and OWNERs) its pending invitations; null for a non-member. */
async function load(slug: string, userId: string) {
  const organization = await organizationForMember({ slug }, userId);
  if (!organization) return null;
  const [members, invitations] = await Promise.all([
    membersOf(organization.id),
    managesMembers(organization.role) ? pendingInvitations(organization.id) : Promise.resolve<InvitationView[]>([]),
  ]);
  return { organization, members, invitations };
}

/**
 * One organization's page, for its members only: anyone else gets the same
 * 404 as for a slug nobody has. What each member may do decides which forms
 * they see (lib/orgs/roles.ts); the use case behind each form checks again.
 */
export default async function OrganizationPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  if (!ORG_SLUG_PATTERN.test(slug)) notFound();
  const path = `/orgs/${slug}`;
  const { user, org: active, data } = await renderWhenAvailable(path, () => requirePageSessionWith(path, ({ userId }) => load(slug, userId)));
  if (!data) notFound();
  const { organization, members, invitations } = data;
  const manager = managesMembers(organization.role);
  const owners = members.filter((member) => member.role === "OWNER").length;
  const ref = { id: organization.id, slug: organization.slug };
  return (
    <>
      <h1>{organization.name}</h1>
      <p>
        <code>{organization.slug}</code> · your role: <strong>{organization.role}</strong> · {organization.members} {organization.members === 1 ? "member" : "members"}
      </p>
      {active?.id === organization.id ? (
        <p className="hint">You are working in this organization.</p>
      ) : (
        <form action={switchOrgAction} className="actions">
          <input type="hidden" name="orgId" value={organization.id} />
          <input type="hidden" name="returnTo" value={path} />
          <button type="submit">Work in {organization.name}</button>
        </form>
      )}
      <section aria-labelledby="members-heading">
        <h2 id="members-heading">Members</h2>
        <DataTable label="Members" columns={["Username", "Name", "Role", "Joined", { hidden: "Actions" }]}>
          {members.map((member) => {
            const target = { role: member.role, self: member.userId === user.id };
            const roles = assignableRoles(organization.role, target, owners);
            return (
              <tr key={member.userId}>
                <td>
                  {member.username}
                  {target.self ? <strong> (you)</strong> : null}
                </td>
                <td>{member.name}</td>
                <td>{member.role}</td>
                <td>{formatDateTime(member.joinedAt)}</td>
                <td>
                  <div className="row-actions">
                    {roles.length > 1 ? <RoleForm organization={ref} member={member} roles={roles} /> : null}
                    {mayRemove(organization.role, target, owners) ? <RemoveMemberButton organization={ref} member={member} self={target.self} /> : null}
                  </div>
                </td>
              </tr>
            );
          })}
        </DataTable>
        {organization.role === "OWNER" && owners === 1 ? <p className="hint">You are its only OWNER: make someone else OWNER before you leave.</p> : null}
      </section>
      {manager ? (
        <>
          <section aria-labelledby="invite-heading">
            <h2 id="invite-heading">Invite someone</h2>
            <p className="hint">We mail a link that works once, for 7 days, to an account whose confirmed address it is.</p>
            <InviteForm organization={ref} roles={invitableRoles(organization.role)} />
          </section>
          <section aria-labelledby="invitations-heading">
            <h2 id="invitations-heading">Pending invitations</h2>
            {invitations.length === 0 ? (
              <p className="hint">None.</p>
            ) : (
              <DataTable label="Pending invitations" columns={["Email", "Role", "Invited by", "Expires", { hidden: "Action" }]}>
                {invitations.map((invitation) => (
                  <tr key={invitation.id}>
                    <td>{invitation.email}</td>
                    <td>{invitation.role}</td>
                    <td>{invitation.invitedBy ?? "—"}</td>
                    <td>{formatDateTime(invitation.expiresAt)}</td>
                    <td>{invitableRoles(organization.role).includes(invitation.role) ? <WithdrawButton organization={ref} invitation={invitation} /> : null}</td>
                  </tr>
                ))}
              </DataTable>
            )}
          </section>
          <section aria-labelledby="settings-heading">
            <h2 id="settings-heading">Name and slug</h2>
            <RenameOrgForm organization={ref} name={organization.name} />
          </section>
        </>
      ) : null}
      {organization.role === "OWNER" ? (
        <section aria-labelledby="delete-heading">
          <h2 id="delete-heading">Delete the organization</h2>
          <p className="hint">Its memberships, invitations and posts go with it. You will be asked to confirm it is you if you signed in a while ago.</p>
          <DeleteOrgButton organization={ref} />
        </section>
      ) : null}
    </>
  );
}
