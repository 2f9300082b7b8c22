-- An unconfirmed address is a claim, not an owner: several accounts may claim
-- one address, and only a confirmed address is unique. Whoever confirms it
-- first owns it (lib/use-cases/email.ts drops the other claims).
-- DropIndex
DROP INDEX "User_email_key";

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email") WHERE ("emailVerifiedAt" IS NOT NULL);
