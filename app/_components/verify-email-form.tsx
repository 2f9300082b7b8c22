"use client";
/** The confirmation link's one button: the page only shows what the link confirms, and confirming is this POST. */
import { useActionState } from "react";
import { verifyEmailAction } from "@/app/_actions/recovery";
import { FormError } from "@/app/_components/field";
import type { FormState } from "@/lib/http/form-state";

export function VerifyEmailForm({ token }: { token: string }) {
  const [state, formAction, pending] = useActionState(verifyEmailAction, {} satisfies FormState);
  return (
    <form action={formAction} className="stack">
      <FormError message={state.message} />
      <input type="hidden" name="token" value={token} />
      <button type="submit" disabled={pending}>
        Confirm
      </button>
    </form>
  );
}
