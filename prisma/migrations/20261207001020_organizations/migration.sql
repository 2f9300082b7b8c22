-- Organizations: teams of users with a role each (OWNER, ADMIN, MEMBER),
-- invitations by mail, the organization a session works in, and posts that
-- belong to one. The data-access layer reads a session's membership on every
-- check, through each instance's session cache; the triggers at the end keep
-- that cache honest the way the session notices do
-- (…_session_notices/migration.sql): every change to a membership, to a
-- session's active organization, or to an organization's name or slug is
-- announced inside the transaction that makes it.

-- CreateEnum
CREATE TYPE "OrgRole" AS ENUM ('OWNER', 'ADMIN', 'MEMBER');

-- AlterTable
ALTER TABLE "AuthEvent" ADD COLUMN     "organizationId" UUID;

-- AlterTable
ALTER TABLE "Post" ADD COLUMN     "orgId" UUID;

-- AlterTable
ALTER TABLE "Session" ADD COLUMN     "activeOrgId" UUID;

-- CreateTable
CREATE TABLE "Organization" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Organization_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Membership" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "role" "OrgRole" NOT NULL DEFAULT 'MEMBER',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Membership_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Invitation" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "role" "OrgRole" NOT NULL DEFAULT 'MEMBER',
    "tokenHash" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "invitedById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "acceptedAt" TIMESTAMP(3),

    CONSTRAINT "Invitation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Organization_slug_key" ON "Organization"("slug");

-- CreateIndex
CREATE INDEX "Membership_userId_idx" ON "Membership"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "Membership_organizationId_userId_key" ON "Membership"("organizationId", "userId");

-- CreateIndex
CREATE UNIQUE INDEX "Invitation_tokenHash_key" ON "Invitation"("tokenHash");

-- CreateIndex
CREATE INDEX "Invitation_organizationId_email_idx" ON "Invitation"("organizationId", "email");

-- CreateIndex
CREATE INDEX "Invitation_expiresAt_idx" ON "Invitation"("expiresAt");

-- CreateIndex
CREATE INDEX "Post_orgId_createdAt_idx" ON "Post"("orgId", "createdAt");

-- CreateIndex
CREATE INDEX "Session_activeOrgId_idx" ON "Session"("activeOrgId");

-- AddForeignKey
ALTER TABLE "Post" ADD CONSTRAINT "Post_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_activeOrgId_fkey" FOREIGN KEY ("activeOrgId") REFERENCES "Organization"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Invitation" ADD CONSTRAINT "Invitation_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Invitation" ADD CONSTRAINT "Invitation_invitedById_fkey" FOREIGN KEY ("invitedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- A membership that ends takes the organization out of its user's sessions, so
-- no session keeps working in an organization its user has left, whichever
-- way the membership went (removed, left, the user or the organization deleted).
-- Any change to a membership is announced as a change to its user: every
-- instance drops what it remembered of that user's sessions.
CREATE FUNCTION "tessera_membership_changed"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    UPDATE "Session" SET "activeOrgId" = NULL WHERE "userId" = OLD."userId" AND "activeOrgId" = OLD."organizationId";
    PERFORM pg_notify('tessera_session_changes', 'user:' || OLD."userId");
    RETURN NULL;
  END IF;
  IF TG_OP = 'UPDATE' AND NEW."userId" IS DISTINCT FROM OLD."userId" THEN
    PERFORM pg_notify('tessera_session_changes', 'user:' || OLD."userId");
  END IF;
  PERFORM pg_notify('tessera_session_changes', 'user:' || NEW."userId");
  RETURN NULL;
END;
$$;

CREATE TRIGGER "Membership_changed_notice"
AFTER INSERT OR UPDATE OR DELETE ON "Membership"
FOR EACH ROW
EXECUTE FUNCTION "tessera_membership_changed"();

-- A session switched to another organization, or out of one.
CREATE TRIGGER "Session_organization_notice"
AFTER UPDATE OF "activeOrgId" ON "Session"
FOR EACH ROW
WHEN (NEW."activeOrgId" IS DISTINCT FROM OLD."activeOrgId")
EXECUTE FUNCTION "tessera_notify_session_change"();

-- An organization renamed: the session check shows its name and slug, so every member's sessions are forgotten.
CREATE FUNCTION "tessera_organization_renamed"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('tessera_session_changes', 'user:' || "userId") FROM "Membership" WHERE "organizationId" = NEW."id";
  RETURN NULL;
END;
$$;

CREATE TRIGGER "Organization_renamed_notice"
AFTER UPDATE ON "Organization"
FOR EACH ROW
WHEN (NEW."name" IS DISTINCT FROM OLD."name" OR NEW."slug" IS DISTINCT FROM OLD."slug")
EXECUTE FUNCTION "tessera_organization_renamed"();
