import { z } from "zod";
import { signIn } from "@/lib/auth/credentials";
import { signedInResponse } from "@/lib/auth/sign-in-response";
import { clientInfo } from "@/lib/http/client-info";
import { clientErrorOf, toErrorResponse } from "@/lib/http/client-errors";
import { handlers, seeOther } from "@/lib/http/route";
import { bodyKind, readBody } from "@/lib/http/validate";
import { credentialsSchema, safeNextPath } from "@/lib/schemas";

const loginSchema = credentialsSchema.extend({ next: z.string().optional() });

export const { GET, POST, PUT, PATCH, DELETE } = handlers({
  /** POST /api/auth/login — JSON or an HTML form (SPEC §5). */
  async POST(request) {
    const nextFromQuery = request.nextUrl.searchParams.get("next");
    try {
      const { data, kind } = await readBody(request, loginSchema, { forms: true });
      const started = await signIn(data, clientInfo(request.headers));
      return await signedInResponse(started, kind, safeNextPath(data.next ?? nextFromQuery));
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
