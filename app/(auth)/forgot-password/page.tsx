import type { Metadata } from "next";
import { PageLink } from "@/app/_components/page-link";
import { ForgotPasswordForm } from "@/app/_components/forgot-password-form";

export const metadata: Metadata = { title: "Forgot your password?" };

export default function ForgotPasswordPage() {
  return (
    <>
      <h1>Forgot your password?</h1>
      <p>Enter your username or email address. If the account has a confirmed email address, we mail it a link to choose a new password.</p>
      <ForgotPasswordForm />
      <p className="hint">No confirmed email address? Ask an administrator for a reset link.</p>
      <p>
        <PageLink href="/login">Back to sign-in</PageLink>
      </p>
    </>
  );
}
