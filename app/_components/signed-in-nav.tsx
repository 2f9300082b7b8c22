"use client";
/**
 * The site header's links for a signed-in visitor (app/_components/site-header.tsx
 * reads who from the token). A client component for the server's sake: every
 * signed-in page then sends these few facts across instead of the header's
 * markup, and renders that markup once, to HTML. "Sign out" is a form, so it
 * works without JavaScript.
 */
import { PageLink } from "@/app/_components/page-link";
import { signOutAction } from "@/app/_actions/auth";
import { OrgSwitcher, type CurrentOrganization } from "@/app/_components/org-switcher";

export function SignedInNav({ username, admin, org }: { username: string; admin: boolean; org: CurrentOrganization | null }) {
  return (
    <>
      <li>
        <PageLink href="/dashboard">
          Dashboard
        </PageLink>
      </li>
      {admin ? (
        <li>
          <PageLink href="/admin">
            Admin
          </PageLink>
        </li>
      ) : null}
      <li>
        <OrgSwitcher current={org} />
      </li>
      <li>
        Signed in as <strong>{username}</strong>
      </li>
      <li>
        <form action={signOutAction}>
          <button type="submit" className="link-button">
            Sign out
          </button>
        </form>
      </li>
    </>
  );
}
