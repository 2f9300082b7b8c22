"use client";
import { useActionState } from "react";
import { secondFactorAction } from "@/app/_actions/auth";
import type { FormState } from "@/lib/http/form-state";
import { CodeFields, FormError } from "@/app/_components/field";

/** The second step of signing in: a code from the authenticator app, or one of the backup codes. */
export function SecondFactorForm({ next, initialMessage }: { next: string; initialMessage?: string | undefined }) {
  const [state, formAction, pending] = useActionState(secondFactorAction, { message: initialMessage } satisfies FormState);
  return (
    <form action={formAction} className="stack" noValidate>
      <FormError message={state.message} />
      <input type="hidden" name="next" value={state.values?.next ?? next} />
      <CodeFields state={state} />
      <button type="submit" disabled={pending}>
        Verify
      </button>
    </form>
  );
}
