"use client";
// The desk overview: read once over HTTP, then replaced by each overview the server pushes on the /desk
// socket (once a second). A tick-age clock re-renders the ages between pushes.
import { useEffect, useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { io } from "socket.io-client";
import type { DeskOverviewDTO } from "@/lib/desk";
import { api } from "@/components/api/client";

export const deskKey = ["desk-overview"] as const;

export function useDesk() {
  const qc = useQueryClient();
  const [live, setLive] = useState<"connecting" | "live" | "reconnecting">("connecting");
  useEffect(() => {
    const s = io("/desk", { withCredentials: true, reconnectionDelay: 500, reconnectionDelayMax: 5_000 });
    s.on("connect", () => setLive("live"));
    s.on("disconnect", () => setLive("reconnecting"));
    s.on("overview", (o: DeskOverviewDTO) => qc.setQueryData(deskKey, o));
    return () => {
      s.close();
    };
  }, [qc]);
  const query = useQuery({ queryKey: deskKey, queryFn: () => api.get<DeskOverviewDTO>("/api/desk") });
  return { ...query, live };
}

/** Now, every second: for "last tick 2 s ago". */
export function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const h = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(h);
  }, []);
  return now;
}
