"use client";
// How many of a list's rows a table renders. Live rows keep arriving (and stay in memory, up to a cap),
// but the table shows a page's worth until the operator asks for more: a tab left open for an hour must
// not grow its DOM by every fill. Asking for more shows rows already held, and reads the next older page
// when those run out.
import { useCallback, useState } from "react";
import { PAGE_SIZE } from "@/components/live/hooks";
import type { PagedRows } from "@/components/live/paged-list";

export function usePagedRows<T>(data: PagedRows<T> | undefined, loadOlder: () => void) {
  const [show, setShow] = useState(PAGE_SIZE);
  const rows = data?.rows ?? [];
  const held = rows.length;
  const next = data?.next ?? null;
  const onMore = useCallback(() => {
    setShow((s) => s + PAGE_SIZE);
    if (held < show + PAGE_SIZE && next) loadOlder();
  }, [held, show, next, loadOlder]);
  return { visible: rows.slice(0, show), more: held > show || next !== null, onMore, reset: () => setShow(PAGE_SIZE) };
}
