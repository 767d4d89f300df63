import { DeskPage } from "@/components/desk/desk-page";

export default function Desk() {
  return <DeskPage />;
}
