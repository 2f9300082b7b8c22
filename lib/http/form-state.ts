/**
 * What a server action hands back to its form: a message, per-field errors and
 * the values to refill (never a password). Shared by every form in the app.
 */
import type { FieldErrors } from "@/lib/errors";
import { clientErrorOf } from "@/lib/request/client-errors";

export interface FormState {
  /** The action did what was asked; `message` then says what happened, not what went wrong. */
  done?: boolean;
  message?: string;
  fields?: FieldErrors;
  values?: Record<string, string>;
}

export function formText(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

/** A client-facing error (a database outage included) becomes form state; anything else propagates to the error page. */
export function formStateFrom(error: unknown, values: Record<string, string>): FormState {
  const clientError = clientErrorOf(error);
  if (clientError) return { message: clientError.message, fields: clientError.options.fields, values };
  throw error;
}
