-- A TOTP secret set up but not yet confirmed belongs to the session that set it
-- up: only that session sees it and may turn it on. The secret of a session that
-- has since been deleted is nobody's, and another set-up replaces it.

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "totpSetupSessionId" UUID;

-- AddForeignKey
ALTER TABLE "User" ADD CONSTRAINT "User_totpSetupSessionId_fkey" FOREIGN KEY ("totpSetupSessionId") REFERENCES "Session"("id") ON DELETE SET NULL ON UPDATE CASCADE;
