import type { Metadata } from "next";
import { PageLink } from "@/app/_components/page-link";
import { EmailLinkRequestForm } from "@/app/_components/email-link-forms";
import { emailLinksAvailable } from "@/lib/use-cases/email-link";

export const metadata: Metadata = { title: "Sign in with a link by email" };

export default function EmailLinkRequestPage() {
  return (
    <>
      <h1>Sign in with a link by email</h1>
      {emailLinksAvailable() ? (
        <>
          <p>Enter the confirmed email address of your account. We mail it a link that signs you in once, within 15 minutes.</p>
          <EmailLinkRequestForm />
          <p className="hint">If your account has two-factor sign-in on, you will still be asked for your code.</p>
        </>
      ) : (
        <p>Email is not set up on this server, so no sign-in link can be sent. Sign in with your password instead.</p>
      )}
      <p>
        <PageLink href="/login">Back to sign-in</PageLink>
      </p>
    </>
  );
}
