// The word the operator types to send an emergency close. Typing it is the safeguard against a stray
// click, not a password: the field shows capitals whatever is typed, so any case is accepted, and the
// dialog says so rather than leave the operator guessing whether "close" counts.
export const CONFIRM_WORD = "CLOSE";
export const CONFIRM_HINT = "in any case";

export function confirmsClose(typed: string): boolean {
  return typed.trim().toUpperCase() === CONFIRM_WORD;
}
