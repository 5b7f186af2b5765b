import { renderDocs } from "../docs/index.js";
import { findMermaidBundle } from "../docs/mermaid-bundle.js";
import { projectDocsInput } from "../docs/project.js";
import type { Host } from "../host/host.js";
import type { DomainDocsPage } from "@fluvius/runtime/internal/http/routes/domain-docs";
import { startServiceHttp, type ServiceHttp } from "@fluvius/runtime/internal/service/http";
import { resolveSecret } from "@fluvius/runtime/internal/service/secret";
import type { EventStore } from "@fluvius/runtime/internal/runtime/store/types";
import type { ProjectConfig } from "../load/config.js";
import type { ProjectCode } from "./load-code.js";

export interface ProjectHttpOptions {
  readonly host: Host;
  readonly config: ProjectConfig;
  /** --config, for the domain docs page that re-reads the specs. */
  readonly configPath?: string;
  readonly store: EventStore;
  readonly code: ProjectCode;
  readonly project: { readonly name: string; readonly version: string };
  /** Log every request (JSON lines). */
  readonly log: boolean;
  readonly port: number;
  readonly listenHost: string;
}

/**
 * The project's HTTP API as `fluvius serve` and `fluvius dev` run it: the runtime's service,
 * plus what needs the compiler or the project folder (the domain docs page, the development
 * secret that `fluvius token` signs with).
 */
export async function startProjectHttp(options: ProjectHttpOptions): Promise<ServiceHttp> {
  const { config } = options;
  const secret = config.auth.jwksUrl === undefined ? resolveSecret(config, config.root) : undefined;
  const started = await startServiceHttp({
    config,
    ...(secret === undefined ? {} : { secret }),
    store: options.store,
    domains: options.code.domains,
    ...(options.code.openApi === undefined ? {} : { openApi: options.code.openApi }),
    domainDocs: domainDocsPage(options.host, config, options.configPath),
    project: options.project,
    log: options.log,
    port: options.port,
    listenHost: options.listenHost,
  });
  if (secret?.source !== "development") return started;
  return {
    ...started,
    banner: [...started.banner, "tokens: the development secret; mint one with `fluvius token --sub <id> --tenant <tenant> --role <role>`"],
  };
}

/** `/docs/domain`: the HTML docs of the specs, rendered on the first request (serving starts no later for it). */
function domainDocsPage(host: Host, config: ProjectConfig, configPath: string | undefined): DomainDocsPage {
  const mermaidBundle = findMermaidBundle(config.root);
  return {
    ...(mermaidBundle === undefined ? {} : { mermaidBundle }),
    async render(mermaidScript) {
      const project = await projectDocsInput(host, configPath === undefined ? {} : { configPath });
      if (!project.ok) throw new Error("The specs have errors since the server started; run `fluvius validate`.");
      return renderDocs(project.input, "html", mermaidScript === undefined ? {} : { mermaidScript });
    },
  };
}
