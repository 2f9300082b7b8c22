"use client";
import { useActionState } from "react";
import { reauthAction } from "@/app/_actions/auth";
import type { FormState } from "@/lib/http/form-state";
import { CodeFields, Field, FormError } from "@/app/_components/field";

/** Confirms who you are: the password, or (with TOTP on) a code or backup code. */
export function ReauthForm({ next, factor }: { next: string; factor: "password" | "code" }) {
  const [state, formAction, pending] = useActionState(reauthAction, {} satisfies FormState);
  return (
    <form action={formAction} className="stack" noValidate>
      <FormError message={state.message} />
      <input type="hidden" name="next" value={state.values?.next ?? next} />
      {factor === "password" ? (
        <Field name="password" label="Password" type="password" autoComplete="current-password" autoFocus required error={state.fields?.password} />
      ) : (
        <CodeFields state={state} />
      )}
      <button type="submit" disabled={pending}>
        Confirm
      </button>
    </form>
  );
}
