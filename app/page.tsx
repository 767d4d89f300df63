import { ScopedDashboard } from "@/components/desk/scoped-dashboard";

export default function Home() {
  return <ScopedDashboard strategyId={null} />;
}
