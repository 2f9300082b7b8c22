import type { Metadata } from "next";
import { PageLink } from "@/app/_components/page-link";
import { LoginForm } from "@/app/_components/login-form";
import { PasskeyButton } from "@/app/_components/passkey-button";
import { ProviderButtons } from "@/app/_components/provider-buttons";
import { providerViews } from "@/lib/auth/federation/providers";
import { errorMessageOf } from "@/lib/errors";
import { safeNextPath } from "@/lib/next-path";
import { emailLinksAvailable } from "@/lib/use-cases/email-link";

export const metadata: Metadata = { title: "Sign in" };

/**
 * `?error=` comes from a form post to /api/auth/login or a sign-in with a
 * provider that failed; only known codes are shown, as their standard message.
 */
export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const next = safeNextPath(params.next);
  return (
    <>
      <h1>Sign in</h1>
      {params.reset === "done" ? (
        <p className="form-status" role="status">
          Your password is changed and every session was signed out. Sign in with the new password.
        </p>
      ) : null}
      <LoginForm next={next} initialMessage={errorMessageOf(params.error)} />
      <PasskeyButton purpose="sign-in" next={next} />
      <ProviderButtons providers={providerViews()} next={next} />
      <noscript>
        <p className="hint">Passkeys need JavaScript; sign in with your password instead.</p>
      </noscript>
      {emailLinksAvailable() ? (
        <p>
          <PageLink href="/login/email">Email me a sign-in link</PageLink>
        </p>
      ) : null}
      <p>
        <PageLink href="/forgot-password">Forgot your password?</PageLink>
      </p>
      <p>
        No account yet? <PageLink href="/register">Register</PageLink>
      </p>
    </>
  );
}
