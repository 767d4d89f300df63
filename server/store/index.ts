// Public face of persistence: the runner and the dashboard import the Store port and its errors from here.
export * from "./records";
export * from "./list-options";
export * from "./port";
export * from "./errors";
export { createPrismaStore, PrismaStore } from "./prisma-store";
export { createMemoryStore, MemoryStore } from "./memory-store";
export { MemoryLabRuns, type LabRunStore, type LabRunRecord, type LabResultRecord, type LabRunState, type NewLabRun, type LabRunPatch } from "./lab-runs";
