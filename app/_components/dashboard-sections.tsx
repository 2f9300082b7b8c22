"use client";
/**
 * The dashboard's sections, drawn from what its page read on the server
 * (app/dashboard/page.tsx). A client component for the server's sake:
 * rendering the page then sends only this data across, and the markup is
 * rendered once, straight to HTML, where as server components every element
 * would also be serialized into the page's payload, read back and rendered.
 * The HTML is the same, and every form still works without JavaScript.
 */
import { PageLink } from "@/app/_components/page-link";
import { ClaimList } from "@/app/_components/claim-list";
import { ConnectedAccountsSection, type ConnectedAccountsOutcome } from "@/app/_components/connected-accounts-section";
import { PasskeyList } from "@/app/_components/passkey-list";
import { SessionList } from "@/app/_components/session-list";
import { SignInDetailsSection } from "@/app/_components/sign-in-details-section";
import { TwoFactorSection } from "@/app/_components/two-factor-section";
import type { ClaimSummary } from "@/lib/auth/describe";
import type { ConnectionView } from "@/lib/auth/federation/accounts";
import type { ProviderView } from "@/lib/auth/federation/providers";
import type { TotpStatus } from "@/lib/auth/second-factor/enrolment";
import type { SessionView } from "@/lib/auth/sessions/list";
import type { ActiveOrganization } from "@/lib/orgs/active";
import type { PostView } from "@/lib/posts/queries";
import type { PublicUser } from "@/lib/users/access";

/** What the sections show of the user: the page sends the browser nothing more. */
export type DashboardUser = Pick<PublicUser, "name" | "username" | "role" | "dob" | "email" | "emailVerified">;

export interface DashboardSectionsProps {
  user: DashboardUser;
  /** The organization the session works in, as the database has it; null for none. */
  org: Pick<ActiveOrganization, "name" | "slug" | "role"> | null;
  /** Worked out on the server: the time left must not change between the HTML and hydration. */
  claims: ClaimSummary;
  /** The author is shown (and sent) for an organization's posts only. */
  posts: (Pick<PostView, "id" | "note" | "image"> & { author?: string })[];
  hasPassword: boolean;
  /** Whether this server can send mail. */
  mail: boolean;
  totp: TotpStatus;
  sessions: SessionView[];
  connections: ConnectionView[];
  providers: ProviderView[];
  outcome: ConnectedAccountsOutcome;
}

export function DashboardSections({ user, org, claims, posts, hasPassword, mail, totp, sessions, connections, providers, outcome }: DashboardSectionsProps) {
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
                <PageLink href={`/orgs/${org.slug}`}>
                  {org.name}
                </PageLink>{" "}
                ({org.role})
              </>
            ) : (
              <>
                None: you work on your own (<PageLink href="/orgs">organizations</PageLink>)
              </>
            )}
          </dd>
        </dl>
      </section>
      <section aria-labelledby="token-heading">
        <h2 id="token-heading">Your access token</h2>
        <ClaimList summary={claims} />
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
      <SignInDetailsSection email={user.email} emailVerified={user.emailVerified} mail={mail} hasPassword={hasPassword} />
      <TwoFactorSection status={totp} />
      <section aria-labelledby="sessions-heading">
        <h2 id="sessions-heading">Your sessions</h2>
        <SessionList sessions={sessions} />
      </section>
      <section aria-labelledby="passkeys-heading">
        <h2 id="passkeys-heading">Passkeys</h2>
        <PasskeyList />
      </section>
      <ConnectedAccountsSection connections={connections} providers={providers} outcome={outcome} />
    </>
  );
}
