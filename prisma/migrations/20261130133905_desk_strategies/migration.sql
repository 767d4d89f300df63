-- CreateEnum
CREATE TYPE "StrategyLifecycle" AS ENUM ('running', 'stopped', 'archived');

-- AlterTable
ALTER TABLE "Strategy" ADD COLUMN     "account" TEXT NOT NULL DEFAULT 'paper',
ADD COLUMN     "clientTag" TEXT,
ADD COLUMN     "lifecycle" "StrategyLifecycle" NOT NULL DEFAULT 'running',
ADD COLUMN     "settings" JSONB;

-- CreateIndex
CREATE UNIQUE INDEX "Strategy_clientTag_key" ON "Strategy"("clientTag");
