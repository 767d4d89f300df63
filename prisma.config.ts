// Prisma CLI configuration. The app itself never reads this file: server/db/ builds the client and applies
// migrations at start. It is here so the stock CLI works on a connected machine, e.g.
// `DATABASE_URL=postgresql://... npx prisma migrate deploy` sees the migrations the app already recorded.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  // Optional so that `prisma generate` works without a database.
  datasource: { url: process.env.DATABASE_URL },
});
