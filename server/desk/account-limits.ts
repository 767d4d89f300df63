// One order-rate budget per venue account, whatever the number of strategies trading on it: the venue
// counts requests per account, so ten strategies with ten budgets of their own would be throttled (or
// banned) together. The paper account shares one budget the same way, so paper runs show what live would.
import { OrderRateLimiter } from "@/server/runner/risk-gate";

export class AccountLimits {
  private readonly limiters = new Map<string, OrderRateLimiter>();

  constructor(private readonly perSecond: (account: string) => number) {}

  limiterFor(account: string): OrderRateLimiter {
    let l = this.limiters.get(account);
    if (!l) this.limiters.set(account, (l = new OrderRateLimiter(this.perSecond(account))));
    return l;
  }
}
