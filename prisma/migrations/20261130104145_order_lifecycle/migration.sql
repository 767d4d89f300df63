-- The order state table: pending → pending_new, cancel_pending → pending_cancel (renamed in place so that
-- existing rows keep their meaning), and unknown for an outcome we did not hear.
ALTER TYPE "OrderStatus" RENAME VALUE 'pending' TO 'pending_new';
ALTER TYPE "OrderStatus" RENAME VALUE 'cancel_pending' TO 'pending_cancel';
ALTER TYPE "OrderStatus" ADD VALUE 'unknown';
ALTER TABLE "Order" ALTER COLUMN "status" SET DEFAULT 'pending_new';

-- Reconciliation alerts.
ALTER TYPE "AlertKind" ADD VALUE 'reconciliation';

-- Fills and audited inventory adjustments share one ordered ledger.
CREATE TYPE "FillKind" AS ENUM ('trade', 'adjustment');
ALTER TABLE "Fill" ADD COLUMN "kind" "FillKind" NOT NULL DEFAULT 'trade',
ADD COLUMN "note" TEXT;

-- Each order's state history.
ALTER TABLE "Order" ADD COLUMN "history" JSONB NOT NULL DEFAULT '[]';
