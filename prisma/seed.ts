/**
 * The demo accounts of docs/data.md, for development and tests: four users, one
 * post each, and one organization, Menlo Park, with hop as its OWNER and toby
 * as a MEMBER. Idempotent: re-running restores the documented accounts without
 * duplicating anything. Never for production, where these passwords are public.
 */
import bcrypt from "bcryptjs";
import { hashPassword, verifyPassword } from "@/lib/auth/passwords/hash";
import type { Database } from "@/lib/db/prisma";

interface SeedUser {
  username: string;
  name: string;
  dob: string;
  password: string;
  role: "USER" | "ADMIN";
}

export const SEED_USERS: readonly SeedUser[] = [
  { username: "toby", name: "Thomas Edison", dob: "1847-02-11", password: "123toby", role: "USER" },
  { username: "niko", name: "Nicholas Tesla", dob: "1856-07-10", password: "123niko", role: "USER" },
  { username: "lex", name: "Alexander Graham Bell", dob: "1847-03-03", password: "123qwerty", role: "USER" },
  { username: "hop", name: "Grace Hopper", dob: "1906-12-09", password: "123hop", role: "ADMIN" },
];

interface SeedOrganization {
  name: string;
  slug: string;
  members: readonly { username: string; role: "OWNER" | "ADMIN" | "MEMBER" }[];
}

export const SEED_ORGANIZATION: SeedOrganization = {
  name: "Menlo Park",
  slug: "menlo-park",
  members: [
    { username: "hop", role: "OWNER" },
    { username: "toby", role: "MEMBER" },
  ],
};

export class SeedRefusedError extends Error {
  override name = "SeedRefusedError";
}

export interface SeedResult {
  users: number;
  postsCreated: number;
}

export function assertSeedAllowed(production: boolean): void {
  if (production) {
    throw new SeedRefusedError("Refusing to seed: NODE_ENV=production, and the seed users' passwords are public.");
  }
}

export interface SeedSettings {
  production: boolean;
  /**
   * The demo passwords are hashed at the app's own BCRYPT_COST. A cheaper hash
   * would make a wrong password for a demo account answer faster than one for
   * an unknown username, and the timing alone would name the accounts.
   */
  bcryptCost: number;
}

export async function seed(prisma: Database, { production, bcryptCost }: SeedSettings): Promise<SeedResult> {
  assertSeedAllowed(production);
  let postsCreated = 0;
  for (const user of SEED_USERS) {
    const { id } = await upsertUser(prisma, user, bcryptCost);
    if (await ensurePost(prisma, id, user.name)) postsCreated += 1;
  }
  await upsertOrganization(prisma, SEED_ORGANIZATION);
  return { users: SEED_USERS.length, postsCreated };
}

/** True when no user exists yet: the launcher seeds a fresh database, never one in use. */
export async function isDatabaseEmpty(prisma: Database): Promise<boolean> {
  return (await prisma.user.count()) === 0;
}

async function upsertUser(prisma: Database, user: SeedUser, bcryptCost: number) {
  const username = user.username.toLowerCase();
  const existing = await prisma.user.findUnique({ where: { username }, select: { passwordHash: true } });
  // Hash only when needed: a fresh hash on every run would make re-seeding slow and churn the rows.
  const stored = existing?.passwordHash ?? null;
  const reusable = stored && bcrypt.getRounds(stored) >= bcryptCost && (await verifyPassword(user.password, stored)) ? stored : null;
  const passwordHash = reusable ?? (await hashPassword(user.password, bcryptCost));
  const fields = { name: user.name, dob: new Date(`${user.dob}T00:00:00Z`), role: user.role, passwordHash };
  return prisma.user.upsert({
    where: { username },
    create: { username, ...fields },
    update: fields,
    select: { id: true },
  });
}

async function ensurePost(prisma: Database, authorId: string, name: string): Promise<boolean> {
  const note = `#### ${name} Test Note ####`;
  if (await prisma.post.findFirst({ where: { authorId, note }, select: { id: true } })) return false;
  await prisma.post.create({ data: { authorId, note, image: "ncs_logo.png" } });
  return true;
}

/** The organization with its name, and its seeded members in their roles; members added since stay. */
async function upsertOrganization(prisma: Database, { name, slug, members }: SeedOrganization): Promise<void> {
  const { id: organizationId } = await prisma.organization.upsert({ where: { slug }, create: { name, slug }, update: { name }, select: { id: true } });
  for (const { username, role } of members) {
    const { id: userId } = await prisma.user.findUniqueOrThrow({ where: { username }, select: { id: true } });
    await prisma.membership.upsert({
      where: { organizationId_userId: { organizationId, userId } },
      create: { organizationId, userId, role },
      update: { role },
    });
  }
}
