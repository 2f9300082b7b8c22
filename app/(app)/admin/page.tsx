import type { Metadata } from "next";
import Link from "next/link";
import { requireAdminPage } from "@/lib/auth/dal";
import { paginationSchema } from "@/lib/schemas";
import { listUsers } from "@/lib/users/queries";

export const metadata: Metadata = { title: "Admin" };

const PAGE_SIZE = 50;

export default async function AdminPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireAdminPage("/admin");
  const { cursor } = await searchParams;
  const query = paginationSchema.safeParse({ cursor });
  const { users, nextCursor } = await listUsers({ limit: PAGE_SIZE, cursor: query.success ? query.data.cursor : undefined });
  return (
    <>
      <h1>Admin</h1>
      <section aria-labelledby="users-heading">
        <h2 id="users-heading">Users</h2>
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Username</th>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Date of birth</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {users.map((user) => (
                <tr key={user.id}>
                  <td>{user.username}</td>
                  <td>{user.name}</td>
                  <td>{user.role}</td>
                  <td>{user.dob ?? "—"}</td>
                  <td>{user.createdAt.slice(0, 10)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {nextCursor ? (
          <p>
            <Link href={`/admin?cursor=${nextCursor}`}>Next page</Link>
          </p>
        ) : null}
      </section>
    </>
  );
}
