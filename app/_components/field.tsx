/** Form fields and the form-wide error message, shared by every form. */
import type { InputHTMLAttributes } from "react";
import type { FormState } from "@/lib/http/form-state";

/** The form-wide error (e.g. wrong credentials), announced to screen readers. */
export function FormError({ message }: { message?: string | undefined }) {
  return message ? (
    <p className="form-error" role="alert">
      {message}
    </p>
  ) : null;
}

/** A form's answer: what happened once it worked (a status), or what went wrong (an alert). */
export function FormOutcome({ state }: { state: FormState }) {
  if (!state.message) return null;
  return state.done ? (
    <p className="form-status" role="status">
      {state.message}
    </p>
  ) : (
    <FormError message={state.message} />
  );
}

interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  name: string;
  label: string;
  error?: string | undefined;
}

/** A labelled input with its error message wired up for screen readers. */
export function Field({ name, label, error, ...input }: FieldProps) {
  const errorId = `${name}-error`;
  return (
    <label>
      {label}
      <input
        id={name}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        {...input}
      />
      {error ? (
        <span className="field-error" id={errorId}>
          {error}
        </span>
      ) : null}
    </label>
  );
}

/**
 * The username field of the sign-in and registration forms, refilled after a
 * refused post. On sign-in its autofill also offers passkeys ("username webauthn").
 */
export function UsernameField({ state, autoComplete = "username" }: { state: FormState; autoComplete?: string }) {
  return (
    <Field name="username" label="Username" autoComplete={autoComplete} required defaultValue={state.values?.username} error={state.fields?.username} />
  );
}

/** The second factor's two fields: a code from the authenticator app, or one of the backup codes. */
export function CodeFields({ state }: { state: FormState }) {
  return (
    <>
      <Field
        name="code"
        label="Code from your authenticator app"
        autoComplete="one-time-code"
        inputMode="numeric"
        pattern="[0-9]{6}"
        maxLength={6}
        autoFocus
        error={state.fields?.code}
      />
      <Field name="backupCode" label="Or one of your backup codes" autoComplete="off" spellCheck={false} error={state.fields?.backupCode} />
    </>
  );
}
