// What the runner answers with and what it emits: the vocabulary the host (worker thread, web) speaks to it.
// It lives with the runner because the runner is the lower layer; the host imports it, never the reverse.
import type { AlertDTO, FillDTO, OrderDTO, ParamVersionDTO, SnapshotDTO, StatusDTO } from "@/lib/events";

export type ControlAction = "start" | "pause" | "resume" | "rearm" | "arm";

export interface RunnerEvents {
  snapshot: SnapshotDTO;
  status: StatusDTO;
  fill: FillDTO;
  order: OrderDTO;
  alert: AlertDTO;
  params: ParamVersionDTO;
}

/** A refused command (bad parameters, wrong state): the HTTP layer answers 4xx with this message. */
export class CommandRejected extends Error {
  constructor(
    message: string,
    readonly fields?: Record<string, string>,
    readonly status = 400,
  ) {
    super(message);
    this.name = "CommandRejected";
  }
}
