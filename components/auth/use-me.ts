"use client";
import { useQuery } from "@tanstack/react-query";
import type { Role } from "@/lib/events";
import { api } from "@/components/api/client";
import { queryKeys } from "@/components/live/query-keys";

export interface Me {
  username: string;
  role: Role;
}

/** The signed-in user; a 401 is routed to the login page by the query cache's error handler. */
export function useMe() {
  return useQuery({ queryKey: queryKeys.me, queryFn: () => api.get<Me>("/api/auth/me"), staleTime: 60_000, retry: false });
}

export function useIsOperator(): boolean {
  return useMe().data?.role === "operator";
}
