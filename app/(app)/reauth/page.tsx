import type { Metadata } from "next";
import { PasskeyAlternative } from "@/app/_components/passkey-button";
import { ReauthForm } from "@/app/_components/reauth-form";
import { requirePageSession } from "@/lib/auth/dal";
import { hasPasskeys } from "@/lib/auth/passkeys/manage";
import { reauthFactor } from "@/lib/auth/step-up";
import { safeNextPath } from "@/lib/schemas";

export const metadata: Metadata = { title: "Confirm it is you" };

/** Re-authentication before a sensitive change; afterwards back to `next`. */
export default async function ReauthPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const next = safeNextPath(params.next);
  const { user } = await requirePageSession(`/reauth?${new URLSearchParams({ next })}`);
  const [factor, passkeys] = await Promise.all([reauthFactor(user.id), hasPasskeys(user.id)]);
  return (
    <>
      <h1>Confirm it is you</h1>
      <p>
        This change needs a recent sign-in. {factor === "password" ? "Enter your password" : "Enter a code from your authenticator app or a backup code"}, then
        you go back to where you were.
      </p>
      <ReauthForm next={next} factor={factor} />
      {passkeys ? <PasskeyAlternative purpose="reauth" next={next} /> : null}
    </>
  );
}
