/** A token's claims as a definition list: who, which role, how and when they signed in, the organization, issued, expires, time left. */
import type { ClaimSummary } from "@/lib/auth/describe";

export function ClaimList({ summary }: { summary: ClaimSummary }) {
  return (
    <dl className="claims" aria-label="Token claims">
      <dt>sub</dt>
      <dd>{summary.sub}</dd>
      <dt>username</dt>
      <dd>{summary.username}</dd>
      <dt>role</dt>
      <dd>{summary.role}</dd>
      <dt>signed in with (amr)</dt>
      <dd>
        {summary.signedInWith} <code>{summary.amr}</code>
      </dd>
      <dt>signed in at (auth_time)</dt>
      <dd>{summary.authTime}</dd>
      <dt>organization (org_slug, org_role)</dt>
      <dd>{summary.organization ?? "none (personal)"}</dd>
      <dt>issued (iat)</dt>
      <dd>{summary.issuedAt}</dd>
      <dt>expires (exp)</dt>
      <dd>{summary.expiresAt}</dd>
      <dt>time left</dt>
      <dd>{summary.timeLeft}</dd>
    </dl>
  );
}
