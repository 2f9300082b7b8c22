"use client";
/** "Forgot your password?": one field for the username or the email address; the answer is the same for every account. */
import { useActionState } from "react";
import { forgotPasswordAction } from "@/app/_actions/recovery";
import { Field, FormOutcome } from "@/app/_components/field";
import type { FormState } from "@/lib/http/form-state";

export function ForgotPasswordForm() {
  const [state, formAction, pending] = useActionState(forgotPasswordAction, {} satisfies FormState);
  return (
    <form action={formAction} className="stack" noValidate>
      <FormOutcome state={state} />
      <Field
        name="account"
        label="Username or email address"
        autoComplete="username"
        required
        defaultValue={state.values?.account}
        error={state.fields?.account}
      />
      <button type="submit" disabled={pending}>
        Send a reset link
      </button>
    </form>
  );
}
