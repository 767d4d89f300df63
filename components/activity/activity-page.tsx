"use client";
// The activity log as a page of its own, under the same banner and header as the desk.
import { LiveProvider, useLive } from "@/components/live/live-provider";
import { useStatus } from "@/components/live/hooks";
import { Header } from "@/components/dashboard/header";
import { ModeBanner } from "@/components/dashboard/mode-banner";
import { ActivityLog } from "./activity-log";

export function ActivityPage() {
  return (
    <LiveProvider>
      <Body />
    </LiveProvider>
  );
}

function Body() {
  const { connection } = useLive();
  const mode = useStatus((s) => s.mode).data;
  return (
    <div className="min-h-screen">
      <ModeBanner mode={mode} />
      <Header connection={connection} />
      <main className="mx-auto max-w-5xl p-2 sm:p-3">
        <ActivityLog />
      </main>
    </div>
  );
}
