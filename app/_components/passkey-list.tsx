"use client";
/**
 * The dashboard's "Passkeys" section: the user's passkeys with rename and
 * remove, and "Add a passkey". Adding and removing need a recent sign-in;
 * without one the API says `reauth_required` and the user is sent to confirm
 * it is them, then back here.
 */
import { useCallback, useEffect, useState, type FormEvent } from "react";
import type { PasskeyView } from "@/lib/auth/passkeys/manage";
import { DataTable } from "@/app/_components/data-table";
import { FormError } from "@/app/_components/field";
import { addPasskey, callApi, PasskeyError } from "@/app/_components/passkey-client";
import { reauthPath } from "@/lib/edge/paths";
import { formatDateTime } from "@/lib/format";

const REAUTH_PATH = reauthPath("/dashboard");

function kindOf(passkey: PasskeyView): string {
  if (passkey.deviceType === "multiDevice") return passkey.backedUp ? "Synced" : "Syncable";
  return "This device only";
}

export function PasskeyList() {
  const [passkeys, setPasskeys] = useState<PasskeyView[] | null>(null);
  const [error, setError] = useState<string>();
  const [status, setStatus] = useState("");
  const [renaming, setRenaming] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    setPasskeys((await callApi<{ passkeys: PasskeyView[] }>("/api/auth/passkeys", "GET")).passkeys);
  }, []);

  /** Runs one change, then reloads the list; a stale sign-in goes by /reauth. */
  const change = useCallback(
    async (work: () => Promise<string>) => {
      setBusy(true);
      setError(undefined);
      setStatus("");
      try {
        const done = await work();
        await load();
        setStatus(done);
      } catch (caught) {
        if (caught instanceof PasskeyError && caught.code === "reauth_required") {
          window.location.assign(REAUTH_PATH);
          return;
        }
        setError(caught instanceof PasskeyError ? caught.message : "Something went wrong.");
      } finally {
        setBusy(false);
      }
    },
    [load],
  );

  useEffect(() => {
    load().catch(() => setError("Your passkeys could not be loaded."));
  }, [load]);

  function rename(passkey: PasskeyView, event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget).get("name") ?? "");
    void change(async () => {
      await callApi(`/api/auth/passkeys/${encodeURIComponent(passkey.id)}`, "PATCH", { name });
      setRenaming(null);
      return "Passkey renamed.";
    });
  }

  return (
    <div className="stack">
      <FormError message={error} />
      <p className="hint" role="status" aria-live="polite">
        {status}
      </p>
      {passkeys === null ? (
        <p className="hint">Loading passkeys…</p>
      ) : passkeys.length === 0 ? (
        <p className="hint">No passkeys yet. A passkey signs you in with your fingerprint, face or screen lock instead of a password.</p>
      ) : (
        <DataTable label="Passkeys" columns={["Name", "Kind", "Created", "Last used", { hidden: "Actions" }]}>
          {passkeys.map((passkey) => (
            <tr key={passkey.id}>
              <td>
                {renaming === passkey.id ? (
                  <form onSubmit={(event) => rename(passkey, event)} className="row-actions">
                    <label>
                      <span className="visually-hidden">New name for {passkey.name}</span>
                      <input name="name" defaultValue={passkey.name} maxLength={64} required autoFocus />
                    </label>
                    <button type="submit" disabled={busy}>
                      Save
                    </button>
                    <button type="button" className="secondary" onClick={() => setRenaming(null)}>
                      Cancel
                    </button>
                  </form>
                ) : (
                  passkey.name
                )}
              </td>
              <td>{kindOf(passkey)}</td>
              <td>{formatDateTime(passkey.createdAt)}</td>
              <td>{passkey.lastUsedAt ? formatDateTime(passkey.lastUsedAt) : "Never"}</td>
              <td>
                <div className="row-actions">
                  <button type="button" className="secondary" aria-label={`Rename ${passkey.name}`} onClick={() => setRenaming(passkey.id)} disabled={busy}>
                    Rename
                  </button>
                  <button
                    type="button"
                    className="secondary"
                    aria-label={`Remove ${passkey.name}`}
                    disabled={busy}
                    onClick={() =>
                      change(async () => {
                        await callApi(`/api/auth/passkeys/${encodeURIComponent(passkey.id)}`, "DELETE");
                        return "Passkey removed.";
                      })
                    }
                  >
                    Remove
                  </button>
                </div>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <div className="actions">
        <button
          type="button"
          disabled={busy}
          onClick={() =>
            change(async () => {
              await addPasskey();
              return "Passkey added.";
            })
          }
        >
          Add a passkey
        </button>
      </div>
      <noscript>
        <p className="hint">Passkeys need JavaScript.</p>
      </noscript>
    </div>
  );
}
