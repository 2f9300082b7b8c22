/**
 * What a server action hands back to its form: a message, per-field errors and
 * the values to refill (never a password). Shared by every form in the app.
 */
import { ApiError, type FieldErrors } from "@/lib/http/errors";

export interface FormState {
  message?: string;
  fields?: FieldErrors;
  values?: Record<string, string>;
}

export function formText(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

/** A client-facing error becomes form state; anything else (a 5xx) propagates to the error page. */
export function formStateFrom(error: unknown, values: Record<string, string>): FormState {
  if (error instanceof ApiError && error.status < 500) return { message: error.message, fields: error.options.fields, values };
  throw error;
}
