"use client";
/** The admin's "create user" form; works with and without JavaScript. */
import { useActionState } from "react";
import { createUserAction } from "@/app/_actions/admin";
import { Field, FormError } from "@/app/_components/field";
import type { FormState } from "@/lib/http/form-state";

export function CreateUserForm() {
  const [state, formAction, pending] = useActionState(createUserAction, {} satisfies FormState);
  const failed = Boolean(state.fields);
  return (
    <form action={formAction} className="stack" noValidate aria-label="Create user">
      {failed ? <FormError message={state.message} /> : state.message ? <p role="status">{state.message}</p> : null}
      <Field name="new-name" label="Name" required defaultValue={state.values?.name} error={state.fields?.name} />
      <Field name="new-username" label="Username" required defaultValue={state.values?.username} error={state.fields?.username} />
      <Field name="new-password" label="Password (optional)" type="password" autoComplete="new-password" error={state.fields?.password} />
      <Field name="new-dob" label="Date of birth (optional)" type="date" defaultValue={state.values?.dob} error={state.fields?.dob} />
      <button type="submit" disabled={pending}>
        Create user
      </button>
    </form>
  );
}
