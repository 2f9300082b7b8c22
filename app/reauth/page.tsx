import type { Metadata } from "next";
import { PasskeyAlternative } from "@/app/_components/passkey-button";
import { ReauthForm } from "@/app/_components/reauth-form";
import { requirePageSession } from "@/lib/auth/dal";
import { hasPasskeys } from "@/lib/auth/passkeys/manage";
import { reauthFactor } from "@/lib/auth/step-up";
import { ProviderActionForm } from "@/app/_components/provider-buttons";
import { reauthProviders } from "@/lib/use-cases/federated-sign-in";
import { errorMessageOf } from "@/lib/errors";
import { safeNextPath } from "@/lib/next-path";

export const metadata: Metadata = { title: "Confirm it is you" };

/** Re-authentication before a sensitive change; afterwards back to `next`. */
export default async function ReauthPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const next = safeNextPath(params.next);
  const { user } = await requirePageSession(`/reauth?${new URLSearchParams({ next })}`);
  const [factor, passkeys, providers] = await Promise.all([reauthFactor(user.id), hasPasskeys(user.id), reauthProviders(user.id)]);
  const error = errorMessageOf(params.error);
  return (
    <>
      <h1>Confirm it is you</h1>
      <p>
        This change needs a recent sign-in.{" "}
        {factor === "password"
          ? "Enter your password"
          : factor === "code"
            ? "Enter a code from your authenticator app or a backup code"
            : "Sign in again at the provider your account is connected to"}
        , then you go back to where you were.
      </p>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {factor === "provider" ? (
        <div className="actions">
          {providers.map((provider) => (
            <ProviderActionForm key={provider.id} provider={provider} intent="reauth" next={next}>
              {`Continue with ${provider.label}`}
            </ProviderActionForm>
          ))}
        </div>
      ) : (
        <ReauthForm next={next} factor={factor} />
      )}
      {passkeys ? <PasskeyAlternative purpose="reauth" next={next} /> : null}
    </>
  );
}
