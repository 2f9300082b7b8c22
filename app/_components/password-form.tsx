"use client";
/** The dashboard's "Change password" form: the current password, then the new one; an account without a password sets its first. */
import { useActionState } from "react";
import { changePasswordAction } from "@/app/_actions/account";
import { Field, FormOutcome } from "@/app/_components/field";
import type { FormState } from "@/lib/http/form-state";

export function PasswordForm({ hasPassword }: { hasPassword: boolean }) {
  const [state, formAction, pending] = useActionState(changePasswordAction, {} satisfies FormState);
  return (
    <form action={formAction} className="stack" noValidate aria-label={hasPassword ? "Change password" : "Set a password"}>
      <FormOutcome state={state} />
      {hasPassword ? (
        <Field name="currentPassword" label="Current password" type="password" autoComplete="current-password" required error={state.fields?.currentPassword} />
      ) : null}
      <Field name="password" label="New password (8–72 characters)" type="password" autoComplete="new-password" required error={state.fields?.password} />
      <button type="submit" disabled={pending}>
        {hasPassword ? "Change password" : "Set password"}
      </button>
    </form>
  );
}
