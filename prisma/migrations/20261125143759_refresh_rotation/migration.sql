-- CreateTable
CREATE TABLE "RotatedRefreshToken" (
    "hash" TEXT NOT NULL,
    "sessionId" UUID NOT NULL,
    "rotatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RotatedRefreshToken_pkey" PRIMARY KEY ("hash")
);

-- CreateIndex
CREATE INDEX "RotatedRefreshToken_sessionId_idx" ON "RotatedRefreshToken"("sessionId");

-- AddForeignKey
ALTER TABLE "RotatedRefreshToken" ADD CONSTRAINT "RotatedRefreshToken_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session"("id") ON DELETE CASCADE ON UPDATE CASCADE;
