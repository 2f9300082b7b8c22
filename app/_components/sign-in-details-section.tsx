/**
 * The dashboard's "Email and password" section: the address recovery mail
 * goes to, whether it is confirmed, and the forms that change it and the
 * password (or sets a first one, for an account made by a provider). Without
 * mail on this server it says so instead of promising mail.
 */
import { EmailForm, ResendVerificationForm } from "@/app/_components/email-forms";
import { PasswordForm } from "@/app/_components/password-form";

export function SignInDetailsSection({ email, emailVerified, mail, hasPassword }: { email: string | null; emailVerified: boolean; mail: boolean; hasPassword: boolean }) {
  return (
    <section aria-labelledby="sign-in-details-heading">
      <h2 id="sign-in-details-heading">Email and password</h2>
      {email ? (
        <p>
          Email address: <strong>{email}</strong> {emailVerified ? "(confirmed)" : "(not confirmed yet: open the link we mailed you)"}
        </p>
      ) : (
        <p className="hint">No email address yet. With a confirmed one, you can reset a forgotten password yourself.</p>
      )}
      {mail ? null : <p className="hint">This server cannot send mail right now, so new addresses cannot be confirmed.</p>}
      {email && !emailVerified && mail ? <ResendVerificationForm /> : null}
      <EmailForm email={email} />
      <h3>{hasPassword ? "Change password" : "Set a password"}</h3>
      {hasPassword ? null : <p className="hint">Your account has no password: you sign in through a provider or a passkey. A password is one more way in.</p>}
      <PasswordForm hasPassword={hasPassword} />
    </section>
  );
}
