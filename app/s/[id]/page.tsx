import { ScopedDashboard } from "@/components/desk/scoped-dashboard";

export default async function StrategyPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <ScopedDashboard strategyId={id} />;
}
