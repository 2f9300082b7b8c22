"use client";
/** The dashboard's "Change password" form: the current password, then the new one. */
import { useActionState } from "react";
import { changePasswordAction } from "@/app/_actions/account";
import { Field, FormOutcome } from "@/app/_components/field";
import type { FormState } from "@/lib/http/form-state";

export function PasswordForm() {
  const [state, formAction, pending] = useActionState(changePasswordAction, {} satisfies FormState);
  return (
    <form action={formAction} className="stack" noValidate aria-label="Change password">
      <FormOutcome state={state} />
      <Field name="currentPassword" label="Current password" type="password" autoComplete="current-password" required error={state.fields?.currentPassword} />
      <Field name="password" label="New password (8–72 characters)" type="password" autoComplete="new-password" required error={state.fields?.password} />
      <button type="submit" disabled={pending}>
        Change password
      </button>
    </form>
  );
}
