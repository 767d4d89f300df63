// `npm run paper-venue`: the shared paper venue of a scaled-out desk (README "Scaling out"): the strategies'
// paper accounts in one process that every runner reaches, so a strategy keeps its account when it moves.
import { startPaperVenueServer } from "@/server/cluster/paper-venue-server";
import { z } from "zod";

const env = z
  .object({
    SKEWDESK_PAPER_VENUE_PORT: z.coerce.number().int().min(0).max(65_535).default(8790),
    SKEWDESK_PAPER_VENUE_HOST: z.string().min(1).default("127.0.0.1"),
    SKEWDESK_PAPER_VENUE_DIR: z.string().min(1).default("./data/paper-venue"),
  })
  .safeParse(process.env);
if (!env.success) {
  console.error(`Invalid paper venue environment: ${env.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`);
  process.exit(2);
}
const server = await startPaperVenueServer({ port: env.data.SKEWDESK_PAPER_VENUE_PORT, host: env.data.SKEWDESK_PAPER_VENUE_HOST, dir: env.data.SKEWDESK_PAPER_VENUE_DIR, fsync: true, log: (l) => console.log(l) });
console.log(`shared paper venue on ${server.url} (accounts in ${env.data.SKEWDESK_PAPER_VENUE_DIR}); runners: SKEWDESK_PAPER_VENUE_URL=${server.url}`);
const stop = () => void server.close().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
