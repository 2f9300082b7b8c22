import type { Metadata } from "next";
import { PageLink } from "@/app/_components/page-link";
import { EmailLinkSignInForm } from "@/app/_components/email-link-forms";
import { renderWhenAvailable } from "@/lib/http/unavailable";
import { emailLinkStatus } from "@/lib/use-cases/email-link";

export const metadata: Metadata = { title: "Sign in to Tessera", referrer: "no-referrer" };

/**
 * The link from the sign-in mail. Opening it (GET, HEAD) only shows whom it
 * signs in and a "Sign in" button: mail scanners open every link in a mail,
 * so a look must sign nobody in. The button's POST uses the link up.
 */
export default async function EmailLinkSignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { token } = await searchParams;
  // During an outage the 503 page comes back here, link and all.
  const link = typeof token === "string" ? await renderWhenAvailable(`/sign-in/email?${new URLSearchParams({ token })}`, () => emailLinkStatus(token)) : null;
  if (typeof token !== "string" || !link) {
    return (
      <>
        <h1>This link no longer works</h1>
        <p>{typeof token === "string" ? "It has expired or was already used." : "This link is incomplete: open the whole link from the mail."}</p>
        <p>Sign-in links work once, for 15 minutes.</p>
        <p>
          <PageLink href="/login/email">Ask for a new link</PageLink> or <PageLink href="/login">sign in with your password</PageLink>.
        </p>
      </>
    );
  }
  return (
    <>
      <h1>Sign in to Tessera</h1>
      <p>
        Sign in as <strong>{link.username}</strong>.
      </p>
      <EmailLinkSignInForm token={token} />
      <p className="hint">Only sign in if you asked for this link. If not, close this page: nothing happens.</p>
    </>
  );
}
