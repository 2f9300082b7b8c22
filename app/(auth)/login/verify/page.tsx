import type { Metadata } from "next";
import { PageLink } from "@/app/_components/page-link";
import { redirect } from "next/navigation";
import { PasskeyAlternative } from "@/app/_components/passkey-button";
import { SecondFactorForm } from "@/app/_components/second-factor-form";
import { currentCeremony } from "@/lib/auth/sign-in/ceremonies";
import { hasPasskeys } from "@/lib/auth/passkeys/manage";
import { errorMessageOf } from "@/lib/errors";
import { safeNextPath } from "@/lib/next-path";

export const metadata: Metadata = { title: "Two-step sign-in" };

/** The second step of signing in (after a password or a sign-in link), for a user with TOTP on; without a pending sign-in, back to the first. */
export default async function SecondStepPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const next = safeNextPath(params.next);
  const pending = await currentCeremony("second-factor");
  if (!pending?.userId) redirect(`/login?${new URLSearchParams({ error: "invalid_challenge", next })}`);
  const passkeys = await hasPasskeys(pending.userId);
  return (
    <>
      <h1>Two-step sign-in</h1>
      <p>
        {pending.amr.includes("fed") ? "You signed in with your provider." : pending.amr.includes("email") ? "Your sign-in link worked." : "Your password was right."} Now enter the 6-digit code from your authenticator app, or one of your backup codes{passkeys ? ", or use a passkey" : ""}.
      </p>
      <SecondFactorForm next={next} initialMessage={errorMessageOf(params.error)} />
      {passkeys ? <PasskeyAlternative purpose="second-factor" next={next} /> : null}
      <p>
        <PageLink href="/login">Start again</PageLink>
      </p>
    </>
  );
}
