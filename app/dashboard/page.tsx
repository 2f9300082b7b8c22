import type { Metadata } from "next";
import { ClaimList } from "@/app/_components/claim-list";
import { requirePageSessionWith } from "@/lib/auth/dal";
import { summarizeClaims } from "@/lib/auth/describe";
import Link from "next/link";
import { listOrganizationPosts, listOwnPosts } from "@/lib/posts/queries";
import { listSessions } from "@/lib/auth/sessions/list";
import { SessionList } from "@/app/_components/session-list";
import { PasskeyList } from "@/app/_components/passkey-list";
import { TwoFactorSection } from "@/app/_components/two-factor-section";
import { totpStatus } from "@/lib/auth/second-factor/enrolment";
import { renderWhenAvailable } from "@/lib/http/unavailable";
import { SignInDetailsSection } from "@/app/_components/sign-in-details-section";
import { mailAvailable } from "@/lib/mail/send";
import { ConnectedAccountsSection } from "@/app/_components/connected-accounts-section";
import { listConnections } from "@/lib/auth/federation/accounts";
import { providerViews } from "@/lib/auth/federation/providers";
import { hasPassword } from "@/lib/auth/ways-in";

export const metadata: Metadata = { title: "Dashboard" };

/** `?connected=` and `?error=` come back from connecting a sign-in provider or disconnecting one. */
export default async function DashboardPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const text = (value: string | string[] | undefined) => (typeof value === "string" ? value : undefined);
  // At once: the session check (no query when the session cache answers), the personal posts, the sessions list, the two-factor
  // state and the connected accounts; the organization's posts once the check has said which organization the session works in.
  const {
    user,
    claims,
    org,
    data: [personal, sessions, totp, connections, password],
  } = await renderWhenAvailable("/dashboard", () =>
    requirePageSessionWith("/dashboard", ({ userId, sessionId }) =>
      Promise.all([listOwnPosts(userId), listSessions(userId, sessionId), totpStatus(userId, sessionId), listConnections(userId), hasPassword(userId)]),
    ),
  );
  const posts = org ? await renderWhenAvailable("/dashboard", () => listOrganizationPosts(org.id)) : personal;
  return (
    <>
      <h1>Hello, {user.name}</h1>
      <section aria-labelledby="account-heading">
        <h2 id="account-heading">Your account</h2>
        <dl className="claims">
          <dt>Username</dt>
          <dd>{user.username}</dd>
          <dt>Role</dt>
          <dd>{user.role}</dd>
          <dt>Date of birth</dt>
          <dd>{user.dob ?? "—"}</dd>
          <dt>Organization</dt>
          <dd>
            {org ? (
              <>
                <Link href={`/orgs/${org.slug}`} prefetch={false}>
                  {org.name}
                </Link>{" "}
                ({org.role})
              </>
            ) : (
              <>
                None: you work on your own (<Link href="/orgs" prefetch={false}>organizations</Link>)
              </>
            )}
          </dd>
        </dl>
      </section>
      <section aria-labelledby="token-heading">
        <h2 id="token-heading">Your access token</h2>
        <ClaimList summary={summarizeClaims(claims)} />
      </section>
      <section aria-labelledby="posts-heading">
        <h2 id="posts-heading">{org ? `Posts in ${org.name}` : "Your posts"}</h2>
        {posts.length === 0 ? (
          <p className="hint">No posts yet.</p>
        ) : (
          <ul>
            {posts.map((post) => (
              <li key={post.id}>
                {post.note}
                {post.image ? <span className="hint"> ({post.image})</span> : null}
                {org ? <span className="hint"> — {post.author}</span> : null}
              </li>
            ))}
          </ul>
        )}
      </section>
      <SignInDetailsSection email={user.email} emailVerified={user.emailVerified} mail={mailAvailable()} hasPassword={password} />
      <TwoFactorSection status={totp} />
      <section aria-labelledby="sessions-heading">
        <h2 id="sessions-heading">Your sessions</h2>
        <SessionList sessions={sessions} />
      </section>
      <section aria-labelledby="passkeys-heading">
        <h2 id="passkeys-heading">Passkeys</h2>
        <PasskeyList />
      </section>
      <ConnectedAccountsSection connections={connections} providers={providerViews()} outcome={{ connected: text(params.connected), error: text(params.error) }} />
    </>
  );
}
