import { clientInfo } from "@/lib/request/client-info";
import { handlers, noContent } from "@/lib/http/route";
import { signOut } from "@/lib/use-cases/sessions";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers({
  /** POST /api/auth/logout — revokes the session and clears both cookies → 204. */
  async POST(request) {
    await signOut(clientInfo(request.headers));
    return noContent();
  },
});
