-- AlterTable
ALTER TABLE "Alert" ADD COLUMN     "count" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- Alerts recorded before grouping were each seen once, when they were raised.
UPDATE "Alert" SET "lastSeenAt" = "createdAt";
