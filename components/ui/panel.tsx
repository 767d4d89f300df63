import type { ReactNode } from "react";

export function Panel({
  title,
  actions,
  children,
  className = "",
  bodyClassName = "p-3",
  testId,
}: {
  title: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  bodyClassName?: string;
  testId?: string;
}) {
  return (
    <section data-testid={testId} className={`flex min-w-0 flex-col rounded-md border border-edge bg-panel ${className}`}>
      <header className="flex min-h-9 flex-wrap items-center justify-between gap-x-2 gap-y-1 border-b border-edge px-3 py-1.5">
        <h2 className="text-[11px] font-semibold tracking-[0.12em] text-muted uppercase">{title}</h2>
        {actions ? <div className="flex flex-wrap items-center justify-end gap-1.5">{actions}</div> : null}
      </header>
      <div className={`min-w-0 flex-1 ${bodyClassName}`}>{children}</div>
    </section>
  );
}
