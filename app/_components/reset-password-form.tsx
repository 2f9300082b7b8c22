"use client";
/** The reset link's form: a new password, and a code too when the account has two-factor sign-in on. */
import { useActionState } from "react";
import { resetPasswordAction } from "@/app/_actions/recovery";
import { CodeFields, Field, FormError } from "@/app/_components/field";
import type { FormState } from "@/lib/http/form-state";

export function ResetPasswordForm({ token, secondFactor }: { token: string; secondFactor: boolean }) {
  const [state, formAction, pending] = useActionState(resetPasswordAction, {} satisfies FormState);
  return (
    <form action={formAction} className="stack" noValidate>
      <FormError message={state.message} />
      <input type="hidden" name="token" value={token} />
      <Field name="password" label="New password (8–72 characters)" type="password" autoComplete="new-password" required error={state.fields?.password} />
      {secondFactor ? <CodeFields state={state} /> : null}
      <button type="submit" disabled={pending}>
        Set the new password
      </button>
    </form>
  );
}
