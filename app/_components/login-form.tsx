"use client";
import { useActionState } from "react";
import { loginAction } from "@/app/_actions/auth";
import type { FormState } from "@/lib/http/form-state";
import { Field, FormError, UsernameField } from "@/app/_components/field";

export function LoginForm({ next, initialMessage }: { next: string; initialMessage?: string | undefined }) {
  const [state, formAction, pending] = useActionState(loginAction, { message: initialMessage } satisfies FormState);
  return (
    <form action={formAction} className="stack" noValidate>
      <FormError message={state.message} />
      <input type="hidden" name="next" value={state.values?.next ?? next} />
      <UsernameField state={state} />
      <Field name="password" label="Password" type="password" autoComplete="current-password" required error={state.fields?.password} />
      <button type="submit" disabled={pending}>
        Sign in
      </button>
    </form>
  );
}
