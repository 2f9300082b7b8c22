import type { Metadata } from "next";
import { PageLink } from "@/app/_components/page-link";
import { ResetPasswordForm } from "@/app/_components/reset-password-form";
import { renderWhenAvailable } from "@/lib/http/unavailable";
import { resetLinkStatus } from "@/lib/use-cases/recovery";

export const metadata: Metadata = { title: "Choose a new password", referrer: "no-referrer" };

/**
 * Opening the link only shows the form: the link is used up when the new
 * password is set, not by a look (mail scanners open links). It names the
 * passkeys the reset will remove.
 */
export default async function ResetPasswordPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { token } = await searchParams;
  // During an outage the 503 page comes back here, link and all.
  const link = typeof token === "string" ? await renderWhenAvailable(`/reset-password?${new URLSearchParams({ token })}`, () => resetLinkStatus(token)) : null;
  if (typeof token !== "string" || !link) {
    return (
      <>
        <h1>This link no longer works</h1>
        <p>Reset links work once, for 30 minutes. This one has expired or was already used.</p>
        <p>
          <PageLink href="/forgot-password">Ask for a new link</PageLink>
        </p>
      </>
    );
  }
  return (
    <>
      <h1>Choose a new password</h1>
      <p>
        For <strong>{link.username}</strong>. Setting it signs the account out everywhere.
        {link.secondFactor ? " The account has two-factor sign-in on: enter a code from your authenticator app, or a backup code, too." : ""}
      </p>
      {link.passkeys.length > 0 ? (
        <>
          <p id="passkeys-removed">
            It also removes the account&apos;s passkeys, so that none added by someone else still signs in. Add yours again from your dashboard
            afterwards. These are removed:
          </p>
          <ul aria-labelledby="passkeys-removed">
            {link.passkeys.map((name, index) => (
              <li key={index}>{name}</li>
            ))}
          </ul>
        </>
      ) : null}
      <ResetPasswordForm token={token} secondFactor={link.secondFactor} />
    </>
  );
}
