"use client";
/**
 * "Sign in with a passkey", for every purpose: a passwordless sign-in, the
 * second step of a password sign-in (/login/verify) and re-authentication
 * (/reauth). On success the browser goes on to `next`.
 */
import { useEffect, useState } from "react";
import type { PasskeyPurpose } from "@/lib/auth/passkeys/authenticate";
import { FormError } from "@/app/_components/field";
import { PasskeyError, authenticateWithPasskey } from "@/app/_components/passkey-client";
import { safeNextPath } from "@/lib/next-path";

export function PasskeyButton({ purpose, next, label = "Sign in with a passkey" }: { purpose: PasskeyPurpose; next: string; label?: string }) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  // Disabled until React has hydrated the page: a click before then would have no handler and do nothing.
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);

  async function run() {
    setBusy(true);
    setError(undefined);
    try {
      await authenticateWithPasskey(purpose);
      window.location.assign(safeNextPath(next));
    } catch (caught) {
      setError(caught instanceof PasskeyError ? caught.message : "Something went wrong.");
      setBusy(false);
    }
  }

  return (
    <div className="stack">
      <FormError message={error} />
      <button type="button" className="secondary" onClick={run} disabled={busy || !hydrated}>
        {label}
      </button>
    </div>
  );
}

/** A passkey as the other way through a form's step, with the note that it needs JavaScript. */
export function PasskeyAlternative({ purpose, next }: { purpose: PasskeyPurpose; next: string }) {
  return (
    <>
      <PasskeyButton purpose={purpose} next={next} label="Use a passkey" />
      <noscript>
        <p className="hint">Passkeys need JavaScript; use the form above instead.</p>
      </noscript>
    </>
  );
}
