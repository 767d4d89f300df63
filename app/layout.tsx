import type { Metadata } from "next";
import type { ReactNode } from "react";
import "./globals.css";

export const metadata: Metadata = {
  title: "Skewdesk",
  description: "Managed market maker: live inventory, quotes and risk.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" className="dark">
      <body className="min-h-screen bg-[#0b0f14] font-sans text-gray-200 antialiased">{children}</body>
    </html>
  );
}
