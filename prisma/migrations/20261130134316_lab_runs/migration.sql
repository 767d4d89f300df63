-- CreateTable
CREATE TABLE "LabRun" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "request" JSONB NOT NULL,
    "sets" INTEGER NOT NULL,
    "simulations" INTEGER NOT NULL,
    "completed" INTEGER NOT NULL DEFAULT 0,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    "wallMs" INTEGER,
    "error" TEXT,

    CONSTRAINT "LabRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LabResult" (
    "runId" TEXT NOT NULL,
    "index" INTEGER NOT NULL,
    "params" JSONB NOT NULL,
    "runs" INTEGER NOT NULL,
    "pnl" DECIMAL(38,18) NOT NULL,
    "maxAbsInventory" DECIMAL(38,18) NOT NULL,
    "fractionAboveRebalance" DOUBLE PRECISION NOT NULL,
    "msAboveRebalance" INTEGER NOT NULL,
    "emergencyCloses" INTEGER NOT NULL,
    "fills" INTEGER NOT NULL,
    "spreadCaptured" DECIMAL(38,18) NOT NULL,
    "pnlVolatility" DECIMAL(38,18) NOT NULL,
    "fees" DECIMAL(38,18) NOT NULL,
    "detail" JSONB NOT NULL,

    CONSTRAINT "LabResult_pkey" PRIMARY KEY ("runId","index")
);

-- CreateIndex
CREATE INDEX "LabRun_createdAt_idx" ON "LabRun"("createdAt");

-- AddForeignKey
ALTER TABLE "LabResult" ADD CONSTRAINT "LabResult_runId_fkey" FOREIGN KEY ("runId") REFERENCES "LabRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;
