import { Suspense } from "react";
import { LoginScreen } from "@/components/auth/login-screen";

export const metadata = { title: "Sign in · Skewdesk" };

export default function LoginPage() {
  return (
    <Suspense fallback={null}>
      <LoginScreen />
    </Suspense>
  );
}
