import type { ButtonHTMLAttributes } from "react";

type Variant = "default" | "primary" | "danger" | "ghost" | "warn";

const variants: Record<Variant, string> = {
  default: "border-edge-strong bg-raised text-gray-100 hover:bg-[#222b36] hover:border-[#3a4656]",
  primary: "border-sky-500/60 bg-sky-600/90 text-white hover:bg-sky-500",
  warn: "border-amber-500/60 bg-amber-500/15 text-amber-200 hover:bg-amber-500/25",
  danger: "border-red-500 bg-red-600 text-white hover:bg-red-500 shadow-[0_0_0_1px_rgba(239,68,68,0.35)]",
  ghost: "border-transparent bg-transparent text-muted hover:text-gray-100 hover:bg-raised",
};

export function Button({
  variant = "default",
  size = "md",
  className = "",
  type = "button",
  ...rest
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant; size?: "sm" | "md" | "lg" }) {
  const sizes = { sm: "h-7 px-2 text-xs", md: "h-8 px-3 text-[13px]", lg: "h-10 px-4 text-sm" };
  return (
    <button
      type={type}
      className={`inline-flex items-center justify-center gap-1.5 rounded border font-medium whitespace-nowrap transition-colors focus-visible:ring-2 focus-visible:ring-sky-400/70 focus-visible:outline-none disabled:cursor-not-allowed disabled:border-edge disabled:bg-raised/60 disabled:text-faint disabled:shadow-none ${sizes[size]} ${variants[variant]} ${className}`}
      {...rest}
    />
  );
}
