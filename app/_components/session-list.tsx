/**
 * The signed-in user's live sessions on the dashboard, each with its own "Sign out".
 * An API token (POST /api/auth/token) is listed too, so it can be revoked
 * before it expires; it drops off the list when it does.
 */
import { signOutEverywhereAction, signOutSessionAction } from "@/app/_actions/sessions";
import { DataTable } from "@/app/_components/data-table";
import { formatDateTime } from "@/lib/format";
import type { SessionView } from "@/lib/auth/sessions/list";

/** "Firefox on Linux", or "API token (curl)" for a Bearer session. */
function label(session: SessionView): string {
  return session.kind === "bearer" ? `API token (${session.device})` : session.device;
}

export function SessionList({ sessions }: { sessions: SessionView[] }) {
  return (
    <>
      <DataTable label="Sessions" columns={["Device", "IP", "Signed in", "Last used", "Expires", { hidden: "Action" }]}>
        {sessions.map((session) => (
          <tr key={session.id}>
            <td>
              {label(session)}
              {session.current ? <strong> (this device)</strong> : null}
            </td>
            <td>{session.ip ?? "—"}</td>
            <td>{formatDateTime(session.createdAt)}</td>
            <td>{formatDateTime(session.lastUsedAt)}</td>
            <td>{formatDateTime(session.expiresAt)}</td>
            <td>
              <form action={signOutSessionAction}>
                <input type="hidden" name="id" value={session.id} />
                <button type="submit" className="secondary" aria-label={`Sign out ${label(session)}${session.current ? " (this device)" : ""}`}>
                  Sign out
                </button>
              </form>
            </td>
          </tr>
        ))}
      </DataTable>
      <form action={signOutEverywhereAction} className="actions">
        <button type="submit">Sign out everywhere</button>
      </form>
    </>
  );
}
