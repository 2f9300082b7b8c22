import type { Metadata } from "next";
import { PageLink } from "@/app/_components/page-link";
import { AcceptInvitationForm } from "@/app/_components/org-forms";
import { optionalSession } from "@/lib/auth/dal";
import { renderWhenAvailable } from "@/lib/http/unavailable";
import { hasConfirmedAddress, invitationByToken } from "@/lib/use-cases/invitations";

export const metadata: Metadata = { title: "Invitation", referrer: "no-referrer" };

/**
 * The link from an invitation mail. Opening it changes nothing (mail scanners
 * open links): it shows the organization, the role and the invited address,
 * and what to do next. Its "Accept" button joins, for a signed-in account
 * whose confirmed address is the invited one; anyone else is told how to get
 * there: sign in, or register with that address and confirm it.
 */
export default async function InvitePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { token } = await searchParams;
  const path = typeof token === "string" ? `/invite?${new URLSearchParams({ token })}` : "/invite";
  const found = typeof token === "string" ? await renderWhenAvailable(path, async () => ({ invitation: await invitationByToken(token), session: await optionalSession() })) : null;
  if (typeof token !== "string" || !found?.invitation) {
    return (
      <>
        <h1>This invitation no longer works</h1>
        <p>
          {typeof token === "string"
            ? "It has expired, was withdrawn, or was already used."
            : "This link is incomplete: open the whole link from the mail."}{" "}
          Invitations work once, for 7 days. Ask whoever invited you for a new one.
        </p>
      </>
    );
  }
  const { invitation, session } = found;
  const confirmed = session ? await hasConfirmedAddress(session.user.id, invitation.email) : false;
  return (
    <>
      <h1>Join {invitation.organization.name}</h1>
      <p>
        You are invited to join <strong>{invitation.organization.name}</strong> as <strong>{invitation.role}</strong>. The invitation is for{" "}
        <strong>{invitation.email}</strong>: it can be accepted by the account whose confirmed email address that is.
      </p>
      {!session ? (
        <>
          <p>
            <PageLink href={`/login?${new URLSearchParams({ next: path })}`}>Sign in</PageLink> with that account to accept.
          </p>
          <p>
            No account yet? <PageLink href="/register">Register</PageLink> with {invitation.email} as your email address, confirm it with the link we mail you, then
            open this invitation again.
          </p>
        </>
      ) : confirmed ? (
        <AcceptInvitationForm token={token} />
      ) : (
        <p>
          You are signed in as <strong>{session.user.username}</strong>, whose confirmed email address is not {invitation.email}. Sign out and sign in with
          the account that has it, or set that address on your <PageLink href="/dashboard">dashboard</PageLink> and confirm it with the link we mail you, then open
          this invitation again.
        </p>
      )}
    </>
  );
}
