// Issue 14, defect 5: messages in the operator's words. A validation message named an internal field
// ("must be less than emergencyThreshold"), and the emergency dialog accepted "close" for "CLOSE" without
// saying so. Decision: the word is accepted in any case (the field shows capitals whatever is typed), and
// the dialog says so.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { defaultStrategyParams, strategyParamsSchema } from "@/lib/strategy/params";
import { CONFIRM_HINT, confirmsClose } from "@/components/controls/confirm-word";
import { buildFields } from "@/components/tuning/fields";
import { PARAM_GROUPS, schemaFor } from "@/components/tuning/schema";
import { serverFieldErrors } from "@/components/tuning/server-errors";

/** A camelCase identifier, the way code names a field ("emergencyThreshold", "maxSpread"). */
const INTERNAL_NAME = /\b[a-z]+[A-Z][A-Za-z]*\b/;

function messagesFor(over: Record<string, unknown>): string[] {
  const r = strategyParamsSchema.safeParse({ ...defaultStrategyParams, ...over });
  return r.success ? [] : r.error.issues.map((i) => i.message);
}

describe("parameter messages name things as the form does", () => {
  const crossField: Array<[Record<string, unknown>, RegExp]> = [
    [{ rebalanceThreshold: "0.9", emergencyThreshold: "0.8" }, /below the emergency threshold/],
    [{ minSpread: "0.05", maxSpread: "0.02" }, /max spread/],
    [{ minPrice: "0.6", maxPrice: "0.4" }, /max price/],
    [{ safeRangeLow: "0.9", safeRangeHigh: "0.1" }, /safe range high/],
  ];
  for (const [over, words] of crossField) {
    test(`${Object.keys(over).join(" vs ")}: says which other value it must respect, in words`, () => {
      const msgs = messagesFor(over);
      assert.equal(msgs.length, 1, msgs.join("; "));
      assert.match(msgs[0]!, words);
      assert.doesNotMatch(msgs[0]!, INTERNAL_NAME);
    });
  }

  test("no field's message, for any bad value, uses an internal name", () => {
    for (const key of Object.keys(defaultStrategyParams)) {
      for (const bad of ["-1", "abc", "1e40", 0, 2, "0.1234567890123456789"]) {
        for (const m of messagesFor({ [key]: bad })) assert.doesNotMatch(m, INTERNAL_NAME, `${key} = ${JSON.stringify(bad)}: "${m}"`);
      }
    }
  });
});

describe("emergency confirmation word", () => {
  test("accepted in any case, surrounding spaces ignored; nothing else arms it", () => {
    for (const ok of ["CLOSE", "close", "Close", " close "]) assert.equal(confirmsClose(ok), true, ok);
    for (const no of ["", "clos", "closed", "c lose", "CLOSE!"]) assert.equal(confirmsClose(no), false, no);
  });
  test("the dialog states the rule", () => {
    assert.match(CONFIRM_HINT, /any case/i);
  });
});

describe("the tuning form's summary of a refused change", () => {
  test("names no internal field and says nothing changed; a field the form lacks is named by its label", () => {
    const fit = schemaFor(defaultStrategyParams as Record<string, unknown>)!;
    const fields = buildFields(defaultStrategyParams as Record<string, unknown>, fit.schema, fit.defaults, PARAM_GROUPS);
    const server = "invalid parameters: rebalanceThreshold: must be below the emergency threshold (0.5)";
    const out = serverFieldErrors(server, { rebalanceThreshold: "must be below the emergency threshold (0.5)", tickBudgetMs: "must be at most 50" }, fields);
    assert.deepEqual(Object.keys(out.fieldErrors), ["rebalanceThreshold"]);
    assert.match(out.summary, /refused one value: see the highlighted field\. Nothing changed\./);
    assert.match(out.summary, /Tick budget ms: must be at most 50/);
    assert.doesNotMatch(out.summary, INTERNAL_NAME);
  });
});
