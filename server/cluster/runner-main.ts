// `npm run runner:cluster`: one runner process of a scaled-out desk (README "Scaling out"). SIGTERM/SIGINT
// release its strategies (quotes cancelled, leases given back so another runner takes them at once) and exit.
import { startClusterRunner } from "@/server/cluster/runner-process";

try {
  const runner = await startClusterRunner(process.env);
  const onSignal = (signal: NodeJS.Signals) => {
    console.log(`${signal}: releasing strategies`);
    setTimeout(() => process.exit(1), 20_000).unref();
    void runner.stop(signal).then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`stop failed: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
} catch (err) {
  console.error(`Skewdesk runner failed to start: ${(err as Error)?.message ?? String(err)}`);
  process.exit(1);
}
