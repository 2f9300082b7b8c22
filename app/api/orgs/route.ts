import { clientInfo } from "@/lib/request/client-info";
import { handlers, ok } from "@/lib/http/route";
import { readInput } from "@/lib/request/validate";
import { createOrganization, listOrganizations } from "@/lib/use-cases/orgs";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers({
  /** GET /api/orgs — the caller's organizations, with their role in each. */
  async GET() {
    return ok({ organizations: await listOrganizations() });
  },
  /** POST /api/orgs — `{name, slug?}` → 201; the caller is its OWNER. */
  async POST(request) {
    const { input } = await readInput(request);
    return ok(await createOrganization(input, clientInfo(request.headers)), { status: 201 });
  },
});
