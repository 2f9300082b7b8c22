/** The dashboard's "Two-factor sign-in" section around its forms; the page reads the state beside its session check. */
import { TwoFactorPanel } from "@/app/_components/two-factor-panel";
import type { TotpStatus } from "@/lib/auth/second-factor/enrolment";

export function TwoFactorSection({ status }: { status: TotpStatus }) {
  return (
    <section aria-labelledby="two-factor-heading">
      <h2 id="two-factor-heading">Two-factor sign-in</h2>
      <TwoFactorPanel status={status} />
    </section>
  );
}
