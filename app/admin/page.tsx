import type { Metadata } from "next";
import { PageLink } from "@/app/_components/page-link";
import { deleteUserAction, disableTotpOfAction, endSessionsAction } from "@/app/_actions/admin";
import { CreateUserForm } from "@/app/_components/create-user-form";
import { ResetLinkButton } from "@/app/_components/reset-link-button";
import { DataTable } from "@/app/_components/data-table";
import { latestAuthEvents } from "@/lib/auth/audit-events";
import { requireAdminPageWith } from "@/lib/auth/dal";
import { formatDateTime } from "@/lib/format";
import { paginationSchema, type UserCursor } from "@/lib/schemas";
import { listUsers, signInMethodsOf } from "@/lib/users/queries";
import type { AdminViewer } from "@/lib/users/access";
import { liveSessionCounts } from "@/lib/auth/sessions/list";
import { connectionsOf } from "@/lib/auth/federation/accounts";
import { renderWhenAvailable } from "@/lib/http/unavailable";
import { allOrganizations, organizationNames } from "@/lib/orgs/organizations";

export const metadata: Metadata = { title: "Admin" };

const PAGE_SIZE = 50;

/** The latest auth events, with the names of the organizations they are about (as they are called now). */
async function eventsWithOrganizations() {
  const events = await latestAuthEvents();
  const names = await organizationNames(events.flatMap((event) => (event.organizationId ? [event.organizationId] : [])));
  return { events, names };
}

/** A page of users, how many live sessions each has, whether they have TOTP on and passkeys, and their connected accounts. */
async function usersWithSessionCounts(admin: AdminViewer, cursor: UserCursor | undefined) {
  const page = await listUsers(admin, { limit: PAGE_SIZE, cursor });
  const ids = page.users.map((user) => user.id);
  const [sessions, methods, connections] = await Promise.all([liveSessionCounts(ids), signInMethodsOf(admin, ids), connectionsOf(admin, ids)]);
  return { ...page, sessions, methods, connections };
}

export default async function AdminPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { cursor } = await searchParams;
  const query = paginationSchema.safeParse({ cursor });
  // The session check, the events and the page of users start at once; only the live-session counts and sign-in methods wait, for the users' ids.
  const {
    user: me,
    data: [{ users, nextCursor, sessions, methods, connections }, { events, names }, organizations],
  } = await renderWhenAvailable("/admin", () =>
    requireAdminPageWith("/admin", (admin) =>
      Promise.all([usersWithSessionCounts(admin, query.success ? query.data.cursor : undefined), eventsWithOrganizations(), allOrganizations()]),
    ),
  );
  return (
    <>
      <h1>Admin</h1>
      <section aria-labelledby="users-heading">
        <h2 id="users-heading">Users</h2>
        <DataTable label="Users" columns={["Username", "Name", "Email", "Role", "Date of birth", "Created", "Live sessions", "Two-factor", "Passkeys", "Connected accounts", { hidden: "Actions" }]}>
          {users.map((user) => (
            <tr key={user.id}>
              <td>{user.username}</td>
              <td>{user.name}</td>
              <td>{user.email ? `${user.email}${user.emailVerified ? "" : " (not confirmed)"}` : "—"}</td>
              <td>{user.role}</td>
              <td>{user.dob ?? "—"}</td>
              <td>{user.createdAt.slice(0, 10)}</td>
              <td>{sessions.get(user.id) ?? 0}</td>
              <td>{methods.get(user.id)?.totp ? "On" : "Off"}</td>
              <td>{methods.get(user.id)?.passkeys ?? 0}</td>
              <td>
                {(connections.get(user.id) ?? []).map((connection) => `${connection.providerLabel}${connection.email ? ` (${connection.email})` : ""}`).join(", ") ||
                  "—"}
              </td>
              <td>
                <div className="row-actions">
                  {methods.get(user.id)?.totp ? (
                    <form action={disableTotpOfAction}>
                      <input type="hidden" name="id" value={user.id} />
                      <button type="submit" className="secondary" aria-label={`Turn off two-factor for ${user.username}`}>
                        Turn off two-factor
                      </button>
                    </form>
                  ) : null}
                  <ResetLinkButton userId={user.id} username={user.username} />
                  <form action={endSessionsAction}>
                    <input type="hidden" name="id" value={user.id} />
                    <button type="submit" className="secondary" aria-label={`End sessions of ${user.username}`}>
                      End sessions
                    </button>
                  </form>
                  {user.id === me.id ? null : (
                    <form action={deleteUserAction}>
                      <input type="hidden" name="id" value={user.id} />
                      <button type="submit" className="danger" aria-label={`Delete ${user.username}`}>
                        Delete
                      </button>
                    </form>
                  )}
                </div>
              </td>
            </tr>
          ))}
        </DataTable>
        {nextCursor ? (
          <p>
            <PageLink href={`/admin?cursor=${nextCursor}`}>Next page</PageLink>
          </p>
        ) : null}
      </section>
      <section aria-labelledby="create-heading">
        <h2 id="create-heading">Create a user</h2>
        <CreateUserForm />
      </section>
      <section aria-labelledby="organizations-heading">
        <h2 id="organizations-heading">Organizations</h2>
        {organizations.length === 0 ? (
          <p className="hint">None yet.</p>
        ) : (
          <DataTable label="Organizations" columns={["Name", "Slug", "Members", "Created"]}>
            {organizations.map((organization) => (
              <tr key={organization.id}>
                <td>{organization.name}</td>
                <td>{organization.slug}</td>
                <td>{organization.members}</td>
                <td>{organization.createdAt.slice(0, 10)}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
      <section aria-labelledby="events-heading">
        <h2 id="events-heading">Latest auth events</h2>
        <DataTable label="Auth events" columns={["When", "Event", "Username", "Organization", "IP"]}>
          {events.map((event) => (
            <tr key={event.id}>
              <td>{formatDateTime(event.createdAt)}</td>
              <td>{event.type}</td>
              <td>{event.username ?? "—"}</td>
              <td>{event.organizationId ? (names.get(event.organizationId) ?? "(deleted)") : "—"}</td>
              <td>{event.ip ?? "—"}</td>
            </tr>
          ))}
        </DataTable>
      </section>
    </>
  );
}
