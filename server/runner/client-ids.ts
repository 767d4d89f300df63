// Client order ids carry the strategy that sent them: sd-<tag>-<uuid>. Many strategies share a venue
// account, so reconciliation and fill routing must tell "ours", "another strategy's" and "not the desk's"
// apart from the id alone (the venue keeps nothing else of ours). A strategy from before tags has no tag
// and ids sd-<uuid>; a tag is exactly six characters so the two forms can never be confused (a UUID's
// first group is eight).
import { randomBytes, randomUUID } from "node:crypto";
import { epochOfClientId } from "@/lib/lease-epoch";

export const CLIENT_ID_PREFIX = "sd-";
const TAG = /^[a-z0-9]{6}$/;
const TAGGED = /^sd-([a-z0-9]{6})-/;

export function isClientTag(tag: string): boolean {
  return TAG.test(tag);
}

/** A fresh tag (36^6 ≈ 2·10^9 values; the database's unique index refuses a repeat). */
export function newClientTag(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  let out = "";
  for (const b of randomBytes(6)) out += alphabet[b % alphabet.length];
  return out;
}

/** The strategy tag an id carries; null for an untagged desk id (sd-<uuid>) or an id the desk did not make. */
export function tagOfClientId(id: string): string | null {
  return TAGGED.exec(id)?.[1] ?? null;
}

export interface ClientIds {
  readonly tag: string | null;
  newId(): string;
  /** Sent by this strategy (an orphan of ours is cancelled; its fills are booked). */
  owns(id: string): boolean;
  /** Sent by another strategy of the desk: left alone, never cancelled, its fills never booked here. */
  foreign(id: string): boolean;
}

export { epochOfClientId };

/**
 * `epoch`: the strategy's lease epoch when several runner processes share the desk (server/cluster): the ids
 * become sd-<tag>-e<epoch>-<uuid>, so the venue's orders say which owner of the strategy sent them. The
 * prefix stays sd-<tag>-, so a new owner still takes a previous owner's orders as its own (and cancels them).
 * `numbered`: sd-<tag>-1, -2, … for a throwaway venue (a lab simulation): cheaper, and unique only within the run.
 */
export function clientIds(tag: string | null, epoch: number | null = null, numbered = false): ClientIds {
  if (tag !== null && !isClientTag(tag)) throw new Error(`client tag ${JSON.stringify(tag)} must be six lowercase letters or digits`);
  if (epoch !== null && (tag === null || !Number.isSafeInteger(epoch) || epoch < 1)) throw new Error(`a lease epoch (${epoch}) needs a tag and a positive integer`);
  const prefix = tag === null ? CLIENT_ID_PREFIX : `${CLIENT_ID_PREFIX}${tag}-`;
  const fresh = epoch === null ? prefix : `${prefix}e${epoch}-`;
  const owns = (id: string) => id.startsWith(prefix) && (tag !== null || tagOfClientId(id) === null);
  let n = 0;
  return {
    tag,
    // The id is lowercase already: toLowerCase() returns it as one flat string instead of the concatenation's
    // two-part rope, which the first map to see it (tracker, execution, venue) would otherwise flatten and hash
    // at several times the cost.
    newId: numbered ? () => `${fresh}${++n}`.toLowerCase() : () => `${fresh}${randomUUID()}`.toLowerCase(),
    owns,
    foreign: (id) => id.startsWith(CLIENT_ID_PREFIX) && !owns(id),
  };
}
