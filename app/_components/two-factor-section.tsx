/**
 * The dashboard's "Two-factor sign-in" section: reads the account's TOTP state
 * (the page has checked the session), then hands it to the forms.
 */
import "server-only";
import { TwoFactorPanel } from "@/app/_components/two-factor-panel";
import { totpStatus } from "@/lib/auth/totp-enrolment";
import { renderWhenAvailable } from "@/lib/http/unavailable";
import type { PublicUser } from "@/lib/users/access";

export async function TwoFactorSection({ user }: { user: Pick<PublicUser, "id" | "username"> }) {
  return (
    <section aria-labelledby="two-factor-heading">
      <h2 id="two-factor-heading">Two-factor sign-in</h2>
      <TwoFactorPanel status={await renderWhenAvailable("/dashboard", () => totpStatus(user))} />
    </section>
  );
}
