"use client";
import { useActionState, useEffect, useState } from "react";
import { loginAction } from "@/app/_actions/auth";
import type { FormState } from "@/lib/http/form-state";
import { Field, FormError, UsernameField } from "@/app/_components/field";
import { authenticateWithPasskey, autofillAvailable, PasskeyError } from "@/app/_components/passkey-client";
import { safeNextPath } from "@/lib/next-path";

/**
 * Offers the user's passkeys in the username field's autofill (conditional
 * UI), where the browser can: picking one signs in at once. The request waits
 * quietly until then; one the button starts replaces it.
 */
function usePasskeyAutofill(next: string, onError: (message: string) => void) {
  useEffect(() => {
    let active = true;
    (async () => {
      if (!(await autofillAvailable()) || !active) return;
      await authenticateWithPasskey("sign-in", { autofill: true });
      window.location.assign(safeNextPath(next));
    })().catch((error: unknown) => {
      // Only a passkey the user picked and the server refused is worth a word; a browser or
      // server without passkeys leaves the password form as it is.
      if (active && error instanceof PasskeyError && (error.code === "passkey_rejected" || error.code === "invalid_challenge")) onError(error.message);
    });
    return () => {
      active = false;
    };
  }, [next, onError]);
}

export function LoginForm({ next, initialMessage }: { next: string; initialMessage?: string | undefined }) {
  const [state, formAction, pending] = useActionState(loginAction, { message: initialMessage } satisfies FormState);
  const [passkeyError, setPasskeyError] = useState<string>();
  usePasskeyAutofill(next, setPasskeyError);
  return (
    <form action={formAction} className="stack" noValidate>
      <FormError message={state.message ?? passkeyError} />
      <input type="hidden" name="next" value={state.values?.next ?? next} />
      <UsernameField state={state} autoComplete="username webauthn" />
      <Field name="password" label="Password" type="password" autoComplete="current-password" required error={state.fields?.password} />
      <button type="submit" disabled={pending}>
        Sign in
      </button>
    </form>
  );
}
