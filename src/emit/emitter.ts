import type { EventLock } from "../breaking/lock.js";
import type { ProjectConfig } from "../load/config.js";
import type { DomainModel, Model } from "../model/model.js";
import type { GeneratedFile } from "../write/plan.js";

/** What every emitter is given: the model, the project's configuration and where files go. */
export interface EmitContext {
  readonly model: Model;
  readonly config: ProjectConfig;
  /** Display paths of each domain's spec files (for headers). */
  readonly sources: ReadonlyMap<string, readonly string[]>;
  /** The event lock (fluvius.lock.json), when the project has one: upcasters of locked versions are typed. */
  readonly lock?: EventLock;
}

/** A pure function from the model to files of the generated folder. */
export interface Emitter {
  readonly name: string;
  emit(context: EmitContext): GeneratedFile[];
}

export function domainSources(context: EmitContext, domain: DomainModel): readonly string[] {
  return context.sources.get(domain.name) ?? [];
}
