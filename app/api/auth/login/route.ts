import { z } from "zod";
import { clientErrorOf, toErrorResponse } from "@/lib/http/client-errors";
import { clientInfo } from "@/lib/http/client-info";
import { handlers, seeOther } from "@/lib/http/route";
import { signedInResponse } from "@/lib/http/signed-in-response";
import { bodyKind, readInput } from "@/lib/http/validate";
import { safeNextPath } from "@/lib/schemas";
import { signIn } from "@/lib/use-cases/sign-in";

/** The form's `next` field, beside the credentials that the use case checks. */
const nextFieldSchema = z.object({ next: z.string() });

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers({
  /** POST /api/auth/login — `{username, password}` as JSON, or an HTML form with an optional `next`. */
  async POST(request) {
    const nextFromQuery = request.nextUrl.searchParams.get("next");
    try {
      const { input, kind } = await readInput(request, { forms: true });
      const started = await signIn(input, clientInfo(request.headers));
      return signedInResponse(started, kind, safeNextPath(nextFieldSchema.safeParse(input).data?.next ?? nextFromQuery));
    } catch (error) {
      // A form post without JavaScript goes back to the page with the error code;
      // never with the password, and `next` only if it is a safe path.
      const clientError = clientErrorOf(error);
      if (clientError && bodyKind(request) === "form") {
        const params = new URLSearchParams({ error: clientError.code });
        if (nextFromQuery) params.set("next", safeNextPath(nextFromQuery));
        return seeOther(`/login?${params}`);
      }
      return toErrorResponse(error);
    }
  },
});
