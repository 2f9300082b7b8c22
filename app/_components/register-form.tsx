"use client";
import { useActionState } from "react";
import { registerAction } from "@/app/_actions/auth";
import type { FormState } from "@/lib/http/form-state";
import { Field, FormError, UsernameField } from "@/app/_components/field";

export function RegisterForm() {
  const [state, formAction, pending] = useActionState(registerAction, {} satisfies FormState);
  return (
    <form action={formAction} className="stack" noValidate>
      <FormError message={state.message} />
      <Field name="name" label="Name" autoComplete="name" required defaultValue={state.values?.name} error={state.fields?.name} />
      <UsernameField state={state} />
      <Field
        name="password"
        label="Password (8–72 characters)"
        type="password"
        autoComplete="new-password"
        required
        error={state.fields?.password}
      />
      <Field
        name="email"
        label="Email address (optional, to reset a forgotten password)"
        type="email"
        autoComplete="email"
        defaultValue={state.values?.email}
        error={state.fields?.email}
      />
      <Field name="dob" label="Date of birth (optional)" type="date" defaultValue={state.values?.dob} error={state.fields?.dob} />
      <button type="submit" disabled={pending}>
        Create account
      </button>
    </form>
  );
}
