// A parameter preview side by side with the parameters in force. Both are priced in one synchronous
// stretch, with no await between them: the runner's thread cannot take a tick in between, so both see the
// same book and the same inventory, and the difference is the parameters' alone.
import type { QuoteDecisionDTO, QuotePreviewDTO } from "@/lib/events";

export interface Previewer {
  /** The version in force now. */
  paramVersion(): number;
  /** The parameters of a version (read from the database). */
  paramsOf(version: number): Promise<Record<string, unknown> | null>;
  /** Prices a parameter set on the runner's current book and inventory, synchronously. */
  preview(params: Record<string, unknown>): QuoteDecisionDTO;
}

export async function previewSideBySide(p: Previewer, proposed: Record<string, unknown>): Promise<QuotePreviewDTO> {
  // A version applied while we read the current parameters: read again (twice at most, then go without).
  for (let attempt = 0; attempt < 2; attempt++) {
    const version = p.paramVersion();
    const params = await p.paramsOf(version);
    if (params === null || p.paramVersion() !== version) continue;
    const current = p.preview(params);
    const next = p.preview(proposed);
    return { ...next, current, currentVersion: version };
  }
  return p.preview(proposed);
}
