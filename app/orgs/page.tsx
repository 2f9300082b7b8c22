import type { Metadata } from "next";
import { PageLink } from "@/app/_components/page-link";
import { switchOrgAction } from "@/app/_actions/orgs";
import { DataTable } from "@/app/_components/data-table";
import { CreateOrgForm } from "@/app/_components/org-forms";
import { requirePageSessionWith } from "@/lib/auth/dal";
import { renderWhenAvailable } from "@/lib/http/unavailable";
import { organizationsOf } from "@/lib/orgs/organizations";

export const metadata: Metadata = { title: "Organizations" };

/**
 * The user's organizations, with their role in each, the one this session
 * works in, a "Switch to" form for the others (the header's switcher without
 * JavaScript), and the form that creates one.
 */
export default async function OrganizationsPage() {
  const { org, data: organizations } = await renderWhenAvailable("/orgs", () => requirePageSessionWith("/orgs", ({ userId }) => organizationsOf(userId)));
  return (
    <>
      <h1>Organizations</h1>
      <p>
        {org ? (
          <>
            You are working in <strong>{org.name}</strong> as {org.role}: new posts belong to it, and its members see them.
          </>
        ) : (
          "You are working on your own: new posts are personal, seen by you alone."
        )}
      </p>
      {org ? (
        <form action={switchOrgAction} className="actions">
          <input type="hidden" name="orgId" value="" />
          <input type="hidden" name="returnTo" value="/orgs" />
          <button type="submit" className="secondary">
            Work on your own
          </button>
        </form>
      ) : null}
      <section aria-labelledby="yours-heading">
        <h2 id="yours-heading">Yours</h2>
        {organizations.length === 0 ? (
          <p className="hint">You are not in any organization yet. Create one below, or accept an invitation.</p>
        ) : (
          <DataTable label="Your organizations" columns={["Name", "Slug", "Your role", "Members", { hidden: "Action" }]}>
            {organizations.map((organization) => (
              <tr key={organization.id}>
                <td>
                  <PageLink href={`/orgs/${organization.slug}`}>
                    {organization.name}
                  </PageLink>
                </td>
                <td>{organization.slug}</td>
                <td>{organization.role}</td>
                <td>{organization.members}</td>
                <td>
                  {organization.id === org?.id ? (
                    <strong>Active</strong>
                  ) : (
                    <form action={switchOrgAction}>
                      <input type="hidden" name="orgId" value={organization.id} />
                      <input type="hidden" name="returnTo" value="/orgs" />
                      <button type="submit" className="secondary" aria-label={`Switch to ${organization.name}`}>
                        Switch to
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
      <section aria-labelledby="create-heading">
        <h2 id="create-heading">Create an organization</h2>
        <p className="hint">You will be its OWNER. Invite people from its page.</p>
        <CreateOrgForm />
      </section>
    </>
  );
}
