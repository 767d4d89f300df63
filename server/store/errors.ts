// What the store throws on purpose. Anything else (connection loss, driver errors) propagates as is.
export class StoreError extends Error {
  override name = "StoreError";
}
export class StrategyNotFoundError extends StoreError {
  override name = "StrategyNotFoundError";
}
export class OrderNotFoundError extends StoreError {
  override name = "OrderNotFoundError";
}
export class RunNotFoundError extends StoreError {
  override name = "RunNotFoundError";
}
/** Someone else changed the parameters since the caller read them. */
export class StaleParameterVersionError extends StoreError {
  override name = "StaleParameterVersionError";
  constructor(
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`parameters changed meanwhile: expected current version ${expected}, found ${actual}`);
  }
}
/** The same clientOrderId was saved again with different contents: a bug in the caller, never silently merged. */
export class OrderConflictError extends StoreError {
  override name = "OrderConflictError";
}
/** An order of a lease epoch the strategy's lease has moved past (scaled out: another runner runs it now). */
export class LeaseFencedError extends StoreError {
  override name = "LeaseFencedError";
}
/** A value the database cannot hold exactly (more than 18 decimals or 20 integer digits). */
export class DecimalRangeError extends StoreError {
  override name = "DecimalRangeError";
}
/**
 * A batch of writes (Store.applyWrites) failed part-way and its first `applied` writes are in: a store
 * without transactions says so, so that the caller retries only the rest. The failing write's own error is
 * `cause`; its name and message are repeated here, as `cause` does not cross the database thread.
 */
export class BatchWriteError extends Error {
  override name = "BatchWriteError";
  constructor(
    readonly applied: number,
    override readonly cause: unknown,
  ) {
    super(`write ${applied + 1} of a batch failed: ${cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)}`);
  }
}
/** The order state table (lib/orders.ts) has no move from the stored state to the asked one. Re-exported
 * here so the database thread's errors revive as this class (remote-store.ts looks them up by name). */
export { IllegalOrderStateChange } from "@/lib/orders";
