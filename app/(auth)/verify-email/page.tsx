import type { Metadata } from "next";
import { PageLink } from "@/app/_components/page-link";
import { VerifyEmailForm } from "@/app/_components/verify-email-form";
import { renderWhenAvailable } from "@/lib/http/unavailable";
import { verificationLinkStatus } from "@/lib/use-cases/email";

export const metadata: Metadata = { title: "Confirm your email address", referrer: "no-referrer" };

/**
 * The link from the confirmation mail. Opening it only shows what it would
 * confirm, for which account, and a "Confirm" button: mail scanners open (GET,
 * HEAD) every link in a mail, so a look must change nothing, and the person who
 * reads the mailbox decides whether the account is theirs.
 */
export default async function VerifyEmailPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { token, confirmed } = await searchParams;
  if (confirmed !== undefined && token === undefined) {
    return (
      <>
        <h1>Email address confirmed</h1>
        <p role="status">Your email address is confirmed. If you ever forget your password, you can reset it with this address.</p>
        <p>
          <PageLink href="/dashboard">Go to your dashboard</PageLink>
        </p>
      </>
    );
  }
  // During an outage the 503 page comes back here, link and all.
  const link =
    typeof token === "string" ? await renderWhenAvailable(`/verify-email?${new URLSearchParams({ token })}`, () => verificationLinkStatus(token)) : null;
  if (typeof token !== "string" || !link) {
    return (
      <>
        <h1>This link no longer works</h1>
        <p>{typeof token === "string" ? "It has expired or was already used." : "This link is incomplete: open the whole link from the mail."}</p>
        <p>
          Links to confirm an address work once, for 24 hours. Send a new one from your <PageLink href="/dashboard">dashboard</PageLink>.
        </p>
      </>
    );
  }
  return (
    <>
      <h1>Confirm your email address</h1>
      <p>
        Confirm <strong>{link.email}</strong> as the email address of the Tessera account <strong>{link.username}</strong>. The account can then reset its
        password with this address.
      </p>
      <p className="hint">Only confirm if you made this account or added this address to it. If not, close this page: nothing changes.</p>
      <VerifyEmailForm token={token} />
    </>
  );
}
