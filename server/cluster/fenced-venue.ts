// Fencing at the order: a runner of a scaled-out desk sends a new order only while it is sure it still holds
// the strategy's lease (LeaseKeeper.mayPlace). Cancels and reads always pass: taking quotes down is never
// unsafe. Together with the epoch in every client id, the venue never sees two owners' quote sets at once:
// the old owner stops placing before its lease can expire, the new one cancels what is left before it quotes.
import { OrderRejected } from "@/server/venue/errors";
import type { CreateOrderRequest, Venue } from "@/server/venue/types";

export function fenceVenue(venue: Venue, mayPlace: () => boolean, strategy: string): Venue {
  const refuse = () => new OrderRejected(`strategy ${strategy}: this runner is not sure it still holds the lease; no new orders from it`, { venue: venue.id });
  return new Proxy(venue, {
    get(target, prop, receiver) {
      if (prop === "createOrder")
        return async (req: CreateOrderRequest) => {
          if (!mayPlace()) throw refuse();
          return target.createOrder(req);
        };
      if (prop === "createOrders")
        return async (reqs: CreateOrderRequest[]) => {
          if (!mayPlace()) return reqs.map(() => refuse());
          return target.createOrders(reqs);
        };
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
