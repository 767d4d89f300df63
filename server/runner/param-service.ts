// The strategy's parameters: validated by the one schema the browser also runs, versioned in the database
// before they take effect (what trades is always on record), rolled back by version. Applies are serialized
// among themselves only: they never wait for a tick, and a tick never waits for them.
import { compileStrategyParams, strategyParamsSchema, type CompiledParams } from "@/lib/strategy";
import type { ParamVersionDTO } from "@/lib/events";
import { CommandRejected } from "@/server/runner/commands";
import type { JsonObject, ParameterVersionRecord, Store } from "@/server/store";

export function paramDto(v: ParameterVersionRecord): ParamVersionDTO {
  return {
    version: v.version,
    params: v.params,
    previous: v.previous,
    changedBy: v.changedBy,
    reason: v.reason,
    createdAt: v.createdAt.getTime(),
    rolledBackFrom: v.rolledBackFrom,
  };
}

export class ParamService {
  private compiled!: CompiledParams;
  private versionNo = 0;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly strategyId: () => string,
    private readonly onApplied: (dto: ParamVersionDTO) => void,
  ) {}

  get current(): CompiledParams {
    return this.compiled;
  }

  get version(): number {
    return this.versionNo;
  }

  get loaded(): boolean {
    return this.versionNo > 0;
  }

  load(v: ParameterVersionRecord): void {
    this.compiled = compileStrategyParams(v.params);
    this.versionNo = v.version;
  }

  /** Validates without applying; throws CommandRejected with field errors. */
  validate(input: Record<string, unknown>): CompiledParams {
    const parsed = strategyParamsSchema.safeParse(input);
    if (!parsed.success) {
      const fields: Record<string, string> = {};
      for (const issue of parsed.error.issues) {
        const key = issue.path.join(".") || "params";
        fields[key] ??= issue.message;
      }
      throw new CommandRejected(`invalid parameters: ${Object.entries(fields).map(([k, v]) => `${k}: ${v}`).join("; ")}`, fields);
    }
    return compileStrategyParams(parsed.data);
  }

  apply(input: Record<string, unknown>, reason: string, by: string, rolledBackFrom?: number): Promise<ParamVersionDTO> {
    const compiled = this.validate(input);
    const next = this.chain.then(async () => {
      const v = await this.store.appendParameterVersion({
        strategyId: this.strategyId(),
        params: compiled.source as unknown as JsonObject,
        changedBy: by,
        reason,
        rolledBackFrom,
        expectedCurrentVersion: this.versionNo,
      });
      this.compiled = compiled;
      this.versionNo = v.version;
      const dto = paramDto(v);
      this.onApplied(dto);
      return dto;
    });
    this.chain = next.catch(() => undefined);
    return next;
  }

  async rollback(version: number, reason: string, by: string): Promise<ParamVersionDTO> {
    const v = await this.store.getParameterVersion(this.strategyId(), version);
    if (!v) throw new CommandRejected(`no parameter version ${version}`, { version: "no such version" }, 404);
    return this.apply(v.params, reason || `rollback to version ${version}`, by, version);
  }

  async list(): Promise<{ current: ParamVersionDTO; versions: ParamVersionDTO[] }> {
    const sid = this.strategyId();
    const versions = await this.store.listParameterVersions(sid, { limit: 200 });
    const current = versions.find((v) => v.version === this.versionNo) ?? (await this.store.getParameterVersion(sid));
    if (!current) throw new Error("strategy has no parameter version");
    return { current: paramDto(current), versions: versions.map(paramDto) };
  }
}
