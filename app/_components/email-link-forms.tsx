"use client";
/**
 * Signing in by email: the form that asks for a link (the answer is the same
 * for every address), and the link page's one button, which signs in. Both
 * work without JavaScript.
 */
import { useActionState } from "react";
import { emailLinkSignInAction, requestEmailLinkAction } from "@/app/_actions/email-link";
import { Field, FormError, FormOutcome } from "@/app/_components/field";
import type { FormState } from "@/lib/http/form-state";

export function EmailLinkRequestForm() {
  const [state, formAction, pending] = useActionState(requestEmailLinkAction, {} satisfies FormState);
  return (
    <form action={formAction} className="stack" noValidate>
      <FormOutcome state={state} />
      <Field
        name="email"
        label="Email address"
        type="email"
        autoComplete="email"
        required
        defaultValue={state.values?.email}
        error={state.fields?.email}
      />
      <button type="submit" disabled={pending}>
        Email me a sign-in link
      </button>
    </form>
  );
}

/** The link page's button: opening the link only showed the page; this POST signs in. */
export function EmailLinkSignInForm({ token }: { token: string }) {
  const [state, formAction, pending] = useActionState(emailLinkSignInAction, {} satisfies FormState);
  return (
    <form action={formAction} className="stack">
      <FormError message={state.message} />
      <input type="hidden" name="token" value={token} />
      <button type="submit" disabled={pending}>
        Sign in
      </button>
    </form>
  );
}
