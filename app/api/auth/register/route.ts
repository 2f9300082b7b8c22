import { clientInfo } from "@/lib/request/client-info";
import { handlers } from "@/lib/http/route";
import { signedInResponse } from "@/lib/http/signed-in-response";
import { readInput } from "@/lib/request/validate";
import { register } from "@/lib/use-cases/register";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers({
  /** POST /api/auth/register — creates the account and signs it in (201). */
  async POST(request) {
    const { input } = await readInput(request);
    return signedInResponse(await register(input, clientInfo(request.headers)), "json", "/dashboard", 201);
  },
});
