"use client";
/** The dashboard's email address forms: set, change or remove it, and send the confirmation link again. */
import { useActionState } from "react";
import { changeEmailAction, resendVerificationAction } from "@/app/_actions/account";
import { Field, FormOutcome } from "@/app/_components/field";
import type { FormState } from "@/lib/http/form-state";

export function EmailForm({ email }: { email: string | null }) {
  const [state, formAction, pending] = useActionState(changeEmailAction, {} satisfies FormState);
  return (
    <form action={formAction} className="stack" noValidate aria-label="Email address">
      <FormOutcome state={state} />
      <Field
        name="email"
        label={email ? "New email address (empty removes it)" : "Email address"}
        type="email"
        autoComplete="email"
        defaultValue={state.done ? "" : state.values?.email}
        error={state.fields?.email}
      />
      <button type="submit" disabled={pending}>
        {email ? "Change email address" : "Add email address"}
      </button>
    </form>
  );
}

export function ResendVerificationForm() {
  const [state, formAction, pending] = useActionState(resendVerificationAction, {} satisfies FormState);
  return (
    <form action={formAction} className="stack" aria-label="Confirmation link">
      <FormOutcome state={state} />
      <button type="submit" className="secondary" disabled={pending}>
        Send the link again
      </button>
    </form>
  );
}
