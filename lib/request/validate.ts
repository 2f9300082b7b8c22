/**
 * Reads and validates request bodies at the edge of every route handler
 * (docs/api.md#input-rules): size cap, content type, JSON syntax, then a zod schema.
 * Handlers receive typed data or the request ends in the error envelope.
 */
import type { z } from "zod";
import { ApiError, type FieldErrors } from "@/lib/errors";

export const MAX_BODY_BYTES = 16 * 1024;

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json$/i;
const FORM_TYPES = new Set(["application/x-www-form-urlencoded", "multipart/form-data"]);

export type BodyKind = "json" | "form";

function mediaType(request: Request): string {
  return (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
}

export function bodyKind(request: Request): BodyKind | undefined {
  const type = mediaType(request);
  if (JSON_TYPE.test(type)) return "json";
  if (FORM_TYPES.has(type)) return "form";
  return undefined;
}

/** Reads at most MAX_BODY_BYTES, whatever Content-Length claims. */
async function readLimited(request: Request): Promise<Uint8Array> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw new ApiError("payload_too_large");
  if (!request.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw new ApiError("payload_too_large");
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

async function parseBody(request: Request, kind: BodyKind, bytes: Uint8Array): Promise<unknown> {
  if (kind === "json") {
    try {
      return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    } catch {
      throw new ApiError("validation_error", "The body is not valid JSON.");
    }
  }
  try {
    const form = await new Response(bytes as BodyInit, { headers: { "content-type": request.headers.get("content-type")! } }).formData();
    return Object.fromEntries([...form].filter(([, value]) => typeof value === "string"));
  } catch {
    throw new ApiError("validation_error", "The form body could not be read.");
  }
}

/** Turns zod issues into `{ field: message }`, first message per field. */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    const field = issue.path.length > 0 ? issue.path.join(".") : "body";
    fields[field] ??= issue.message;
  }
  return fields;
}

export function validate<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new ApiError("validation_error", "Some fields are not valid.", { fields: fieldErrors(result.error) });
  }
  return result.data;
}

/**
 * Reads a JSON body (or, where `forms` is allowed, an HTML form post) without
 * judging its fields: for use cases, which validate their own input. Returns
 * the parsed body and which kind of body it was.
 */
export async function readInput(request: Request, { forms = false }: { forms?: boolean } = {}): Promise<{ input: unknown; kind: BodyKind }> {
  const kind = bodyKind(request);
  if (!kind || (kind === "form" && !forms)) throw new ApiError("unsupported_media_type");
  return { input: await parseBody(request, kind, await readLimited(request)), kind };
}

/**
 * Reads a JSON body (or, where `forms` is allowed, an HTML form post) and
 * validates it. Returns the data and which kind of body it was.
 */
export async function readBody<S extends z.ZodType>(
  request: Request,
  schema: S,
  { forms = false }: { forms?: boolean } = {},
): Promise<{ data: z.output<S>; kind: BodyKind }> {
  const { input, kind } = await readInput(request, { forms });
  return { data: validate(schema, input), kind };
}
