/** The signed-in user's live sessions, each with its own "Sign out" (SPEC §9). */
import { signOutEverywhereAction, signOutSessionAction } from "@/app/_actions/sessions";
import { DataTable } from "@/app/_components/data-table";
import { formatDateTime } from "@/lib/format";
import type { SessionView } from "@/lib/auth/session-queries";

export function SessionList({ sessions }: { sessions: SessionView[] }) {
  return (
    <>
      <DataTable label="Sessions" columns={["Device", "IP", "Signed in", "Last used", { hidden: "Action" }]}>
        {sessions.map((session) => (
          <tr key={session.id}>
            <td>
              {session.device}
              {session.current ? <strong> (this device)</strong> : null}
            </td>
            <td>{session.ip ?? "—"}</td>
            <td>{formatDateTime(session.createdAt)}</td>
            <td>{formatDateTime(session.lastUsedAt)}</td>
            <td>
              <form action={signOutSessionAction}>
                <input type="hidden" name="id" value={session.id} />
                <button type="submit" className="secondary" aria-label={`Sign out ${session.device}${session.current ? " (this device)" : ""}`}>
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
