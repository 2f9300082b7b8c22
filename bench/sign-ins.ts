/** Sign-ins under load at one BCRYPT_COST, and what they leave of the server for other requests. */
import type { AppServer } from "@/tools/app-server";
import { httpClient } from "@/tools/http-client";
import { cell, expectOk, together, type Cell, type Target } from "./load";
import { log, PLAN, PROBE_CONNECTIONS, SIGN_IN_CONNECTIONS } from "./plan";

export interface SignIns {
  cost: number;
  alone: Cell;
  /** The same sign-in load with a /api/health probe beside it. */
  storm: { login: Cell; health: Cell };
}

/** Sign-ins per second alone, then /api/health's latency during the same sign-in storm: what bcrypt at `cost` costs, and whether it starves everything else. */
export async function measureSignIns(server: AppServer, cost: number, probe: Target): Promise<SignIns> {
  // Registered on this server, so its hash has this server's cost (the seed users' are cost 10).
  const { username, password } = await httpClient(server.url).registerUser(`bench_cost${cost}`);
  const login: Target = { path: "/api/auth/login", method: "POST", json: { username, password } };
  await expectOk(server, login);
  log(`Sign-ins at BCRYPT_COST=${cost}: ${SIGN_IN_CONNECTIONS} connections, ${PLAN.signInSeconds} s alone, then ${PLAN.signInSeconds} s with a /api/health probe…`);
  const alone = await cell(server, login, SIGN_IN_CONNECTIONS, PLAN.signInSeconds);
  const [stormLogin, stormHealth] = await together(
    server,
    [
      { target: login, connections: SIGN_IN_CONNECTIONS },
      { target: probe, connections: PROBE_CONNECTIONS },
    ],
    PLAN.signInSeconds,
  );
  return { cost, alone, storm: { login: stormLogin!, health: stormHealth! } };
}
