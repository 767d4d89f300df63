"use client";
// The pages every signed-in user moves between, the same on each page, and who is signed in with the way
// out. One list so the desk overview and the strategy pages cannot name the same page differently.
import { useState } from "react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { api } from "@/components/api/client";
import { useMe } from "@/components/auth/use-me";
import { Button } from "@/components/ui/button";

const PAGES = [
  { href: "/desk", label: "Overview", testId: "nav-overview" },
  { href: "/", label: "Default strategy", testId: "nav-strategy" },
  { href: "/activity", label: "Activity", testId: "nav-activity" },
  { href: "/lab", label: "Lab", testId: "nav-lab" },
] as const;

export function PageNav() {
  const path = usePathname();
  return (
    <nav className="flex items-center gap-1" aria-label="Pages">
      {PAGES.map(({ href, label, testId }) => (
        <Link
          key={href}
          href={href}
          data-testid={testId}
          aria-current={path === href ? "page" : undefined}
          className={`rounded px-2 py-0.5 text-[12px] ${path === href ? "bg-raised text-gray-100" : "text-muted hover:text-gray-100"}`}
        >
          {label}
        </Link>
      ))}
    </nav>
  );
}

export function SignedIn() {
  const me = useMe().data;
  const [leaving, setLeaving] = useState(false);

  async function logout() {
    setLeaving(true);
    try {
      await api.post("/api/auth/logout");
    } finally {
      window.location.replace("/login");
    }
  }

  return (
    <div className="ml-auto flex items-center gap-2 text-[12px]">
      {me ? (
        <span data-testid="signed-in" className="text-muted">
          signed in as <span className="font-semibold text-gray-100">{me.username}</span>{" "}
          <span className={me.role === "operator" ? "text-sky-300" : "text-amber-300"}>({me.role})</span>
        </span>
      ) : null}
      <Button size="sm" variant="default" data-testid="logout" onClick={logout} disabled={leaving}>
        Log out
      </Button>
    </div>
  );
}
