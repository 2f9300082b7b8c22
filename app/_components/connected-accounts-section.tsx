/**
 * The dashboard's "Connected accounts": the identities at sign-in providers
 * that sign in to this account (provider, the email it showed, when connected
 * and last used), "Connect …" for each configured provider (a sensitive
 * change: it may first ask you to confirm who you are) and "Disconnect",
 * which the server refuses while the connection is the account's last way in.
 */
import { disconnectAction } from "@/app/_actions/connected-accounts";
import { DataTable } from "@/app/_components/data-table";
import { ProviderActionForm } from "@/app/_components/provider-buttons";
import type { ConnectionView } from "@/lib/auth/federation/accounts";
import type { ProviderView } from "@/lib/auth/federation/providers";
import { errorMessageOf } from "@/lib/errors";
import { formatDateTime } from "@/lib/format";

/** The section's own outcome, besides the API's error codes a connect flow comes back with. */
const LAST_WAY_IN = "This is the last way to sign in to your account: set a password or add a passkey first.";

export interface ConnectedAccountsOutcome {
  /** `?connected=<provider>`: a connect flow succeeded. */
  connected?: string | undefined;
  /** `?error=<code>`: a connect flow or a disconnect failed. */
  error?: string | undefined;
}

export function ConnectedAccountsSection({ connections, providers, outcome }: { connections: ConnectionView[]; providers: ProviderView[]; outcome: ConnectedAccountsOutcome }) {
  const connected = providers.find((provider) => provider.id === outcome.connected);
  const error = outcome.error === "last_way_in" ? LAST_WAY_IN : errorMessageOf(outcome.error);
  if (providers.length === 0 && connections.length === 0) return null;
  return (
    <section aria-labelledby="connected-accounts-heading" id="connected-accounts">
      <h2 id="connected-accounts-heading">Connected accounts</h2>
      {connected ? (
        <p className="form-status" role="status">
          {connected.label} is connected: you can sign in with it.
        </p>
      ) : null}
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {connections.length === 0 ? (
        <p className="hint">No account at a sign-in provider is connected to yours.</p>
      ) : (
        <DataTable label="Connected accounts" columns={["Provider", "Email", "Connected", "Last used", { hidden: "Action" }]}>
          {connections.map((connection) => (
            <tr key={connection.id}>
              <td>{connection.providerLabel}</td>
              <td>{connection.email ?? "—"}</td>
              <td>{formatDateTime(connection.createdAt)}</td>
              <td>{formatDateTime(connection.lastUsedAt)}</td>
              <td>
                <form action={disconnectAction}>
                  <input type="hidden" name="id" value={connection.id} />
                  <button type="submit" className="secondary" aria-label={`Disconnect ${connection.providerLabel}${connection.email ? ` (${connection.email})` : ""}`}>
                    Disconnect
                  </button>
                </form>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {providers.length > 0 ? (
        <div className="actions">
          {providers.map((provider) => (
            <ProviderActionForm key={provider.id} provider={provider} intent="connect" next="/dashboard#connected-accounts">
              {`Connect ${provider.label}`}
            </ProviderActionForm>
          ))}
        </div>
      ) : null}
    </section>
  );
}
