import { ActivityPage } from "@/components/activity/activity-page";

export default function Activity() {
  return <ActivityPage />;
}
