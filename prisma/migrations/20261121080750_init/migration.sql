-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "StrategyMode" AS ENUM ('paper', 'live');

-- CreateEnum
CREATE TYPE "RiskState" AS ENUM ('ACTIVE', 'REDUCING', 'HALTED');

-- CreateEnum
CREATE TYPE "OrderSide" AS ENUM ('buy', 'sell');

-- CreateEnum
CREATE TYPE "OrderType" AS ENUM ('limit', 'market');

-- CreateEnum
CREATE TYPE "OrderStatus" AS ENUM ('pending', 'open', 'partially_filled', 'filled', 'cancel_pending', 'cancelled', 'rejected', 'expired');

-- CreateEnum
CREATE TYPE "OrderReason" AS ENUM ('quote', 'rebalance', 'emergency');

-- CreateEnum
CREATE TYPE "Liquidity" AS ENUM ('maker', 'taker');

-- CreateEnum
CREATE TYPE "AlertKind" AS ENUM ('rebalance', 'emergency', 'stale_data', 'cancel_failure', 'risk_state', 'error');

-- CreateEnum
CREATE TYPE "AlertSeverity" AS ENUM ('info', 'warning', 'critical');

-- CreateTable
CREATE TABLE "Strategy" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "market" TEXT NOT NULL,
    "symbol" TEXT NOT NULL,
    "venue" TEXT NOT NULL,
    "mode" "StrategyMode" NOT NULL,
    "currentParamVersion" INTEGER NOT NULL DEFAULT 0,
    "riskState" "RiskState" NOT NULL DEFAULT 'ACTIVE',
    "riskReason" TEXT,
    "riskChangedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "paused" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Strategy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ParameterVersion" (
    "id" TEXT NOT NULL,
    "strategyId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "params" JSONB NOT NULL,
    "previous" JSONB,
    "changedBy" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "rolledBackFrom" INTEGER,

    CONSTRAINT "ParameterVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Order" (
    "id" TEXT NOT NULL,
    "clientOrderId" TEXT NOT NULL,
    "strategyId" TEXT NOT NULL,
    "runId" TEXT,
    "side" "OrderSide" NOT NULL,
    "type" "OrderType" NOT NULL,
    "price" DECIMAL(38,18),
    "size" DECIMAL(38,18) NOT NULL,
    "filledSize" DECIMAL(38,18) NOT NULL DEFAULT 0,
    "status" "OrderStatus" NOT NULL DEFAULT 'pending',
    "statusReason" TEXT,
    "venueOrderId" TEXT,
    "reduceOnly" BOOLEAN NOT NULL DEFAULT false,
    "postOnly" BOOLEAN NOT NULL DEFAULT false,
    "reason" "OrderReason" NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "openedAt" TIMESTAMP(3),
    "closedAt" TIMESTAMP(3),

    CONSTRAINT "Order_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Fill" (
    "id" BIGSERIAL NOT NULL,
    "strategyId" TEXT NOT NULL,
    "runId" TEXT,
    "venue" TEXT NOT NULL,
    "venueTradeId" TEXT NOT NULL,
    "clientOrderId" TEXT,
    "side" "OrderSide" NOT NULL,
    "price" DECIMAL(38,18) NOT NULL,
    "size" DECIMAL(38,18) NOT NULL,
    "fee" DECIMAL(38,18) NOT NULL,
    "feeCurrency" TEXT,
    "liquidity" "Liquidity" NOT NULL,
    "inventoryAfter" DECIMAL(38,18) NOT NULL,
    "realizedPnlAfter" DECIMAL(38,18),
    "ts" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Fill_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Snapshot" (
    "id" BIGSERIAL NOT NULL,
    "strategyId" TEXT NOT NULL,
    "ts" TIMESTAMP(3) NOT NULL,
    "mid" DECIMAL(38,18) NOT NULL,
    "bestBid" DECIMAL(38,18),
    "bestAsk" DECIMAL(38,18),
    "ourBid" DECIMAL(38,18),
    "ourAsk" DECIMAL(38,18),
    "inventory" DECIMAL(38,18) NOT NULL,
    "ratio" DECIMAL(38,18) NOT NULL,
    "skew" DECIMAL(38,18) NOT NULL,
    "realizedPnl" DECIMAL(38,18) NOT NULL,
    "unrealizedPnl" DECIMAL(38,18) NOT NULL,
    "fees" DECIMAL(38,18) NOT NULL,
    "riskState" "RiskState" NOT NULL,

    CONSTRAINT "Snapshot_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Alert" (
    "id" TEXT NOT NULL,
    "strategyId" TEXT NOT NULL,
    "kind" "AlertKind" NOT NULL,
    "severity" "AlertSeverity" NOT NULL,
    "message" TEXT NOT NULL,
    "data" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "acknowledgedBy" TEXT,
    "acknowledgedAt" TIMESTAMP(3),

    CONSTRAINT "Alert_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Run" (
    "id" TEXT NOT NULL,
    "strategyId" TEXT NOT NULL,
    "mode" "StrategyMode" NOT NULL,
    "seed" BIGINT,
    "config" JSONB,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "stoppedAt" TIMESTAMP(3),
    "stopReason" TEXT,

    CONSTRAINT "Run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "ip" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Strategy_name_key" ON "Strategy"("name");

-- CreateIndex
CREATE UNIQUE INDEX "ParameterVersion_strategyId_version_key" ON "ParameterVersion"("strategyId", "version");

-- CreateIndex
CREATE UNIQUE INDEX "Order_clientOrderId_key" ON "Order"("clientOrderId");

-- CreateIndex
CREATE INDEX "Order_strategyId_status_idx" ON "Order"("strategyId", "status");

-- CreateIndex
CREATE INDEX "Order_strategyId_createdAt_idx" ON "Order"("strategyId", "createdAt");

-- CreateIndex
CREATE INDEX "Order_venueOrderId_idx" ON "Order"("venueOrderId");

-- CreateIndex
CREATE INDEX "Fill_strategyId_ts_idx" ON "Fill"("strategyId", "ts");

-- CreateIndex
CREATE INDEX "Fill_clientOrderId_idx" ON "Fill"("clientOrderId");

-- CreateIndex
CREATE UNIQUE INDEX "Fill_venue_strategyId_venueTradeId_key" ON "Fill"("venue", "strategyId", "venueTradeId");

-- CreateIndex
CREATE INDEX "Snapshot_strategyId_ts_idx" ON "Snapshot"("strategyId", "ts");

-- CreateIndex
CREATE INDEX "Snapshot_ts_idx" ON "Snapshot"("ts");

-- CreateIndex
CREATE INDEX "Alert_strategyId_createdAt_idx" ON "Alert"("strategyId", "createdAt");

-- CreateIndex
CREATE INDEX "Alert_strategyId_kind_idx" ON "Alert"("strategyId", "kind");

-- CreateIndex
CREATE INDEX "Run_strategyId_startedAt_idx" ON "Run"("strategyId", "startedAt");

-- CreateIndex
CREATE INDEX "AuditEvent_createdAt_idx" ON "AuditEvent"("createdAt");

-- CreateIndex
CREATE INDEX "AuditEvent_target_createdAt_idx" ON "AuditEvent"("target", "createdAt");

-- CreateIndex
CREATE INDEX "AuditEvent_actor_createdAt_idx" ON "AuditEvent"("actor", "createdAt");

-- AddForeignKey
ALTER TABLE "ParameterVersion" ADD CONSTRAINT "ParameterVersion_strategyId_fkey" FOREIGN KEY ("strategyId") REFERENCES "Strategy"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Order" ADD CONSTRAINT "Order_strategyId_fkey" FOREIGN KEY ("strategyId") REFERENCES "Strategy"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Order" ADD CONSTRAINT "Order_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Fill" ADD CONSTRAINT "Fill_strategyId_fkey" FOREIGN KEY ("strategyId") REFERENCES "Strategy"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Fill" ADD CONSTRAINT "Fill_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Snapshot" ADD CONSTRAINT "Snapshot_strategyId_fkey" FOREIGN KEY ("strategyId") REFERENCES "Strategy"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Alert" ADD CONSTRAINT "Alert_strategyId_fkey" FOREIGN KEY ("strategyId") REFERENCES "Strategy"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_strategyId_fkey" FOREIGN KEY ("strategyId") REFERENCES "Strategy"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
