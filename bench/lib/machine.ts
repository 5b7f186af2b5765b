/** The machine a run was measured on, stated at the top of BENCHMARKS.md. */
import { readFileSync } from "node:fs";
import os from "node:os";
import { createRequire } from "node:module";

export interface Machine {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryBytes: number;
  readonly os: string;
  readonly node: string;
  /** `SELECT version()` of the server, when the runtime section ran. */
  readonly postgres?: string;
  readonly postgresSettings?: Readonly<Record<string, string>>;
  readonly packages: Readonly<Record<string, string>>;
  /** 1-minute load average when the run started and ended: the machine is shared. */
  readonly loadAverage: { readonly start: number; end?: number };
}

const require = createRequire(import.meta.url);

function versionOf(name: string): string {
  try {
    const file = require.resolve(`${name}/package.json`);
    return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
  } catch {
    // Packages whose exports hide package.json: find it next to the entry point.
    try {
      let dir = require.resolve(name);
      for (let i = 0; i < 5; i++) {
        dir = dir.slice(0, dir.lastIndexOf("/"));
        try {
          const pkg = JSON.parse(readFileSync(`${dir}/package.json`, "utf8")) as { name?: string; version?: string };
          if (pkg.name === name && pkg.version) return pkg.version;
        } catch {
          // keep looking upwards
        }
      }
    } catch {
      // not installed
    }
    return "?";
  }
}

export function describeMachine(): Machine {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    memoryBytes: os.totalmem(),
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    node: process.version,
    packages: {
      fluvius: versionOf("fluvius"),
      "@electric-sql/pglite": versionOf("@electric-sql/pglite"),
      pg: versionOf("pg"),
      "@event-driven-io/emmett": versionOf("@event-driven-io/emmett"),
      "@event-driven-io/emmett-postgresql": versionOf("@event-driven-io/emmett-postgresql"),
    },
    loadAverage: { start: os.loadavg()[0] ?? 0 },
  };
}

export function currentLoad(): number {
  return os.loadavg()[0] ?? 0;
}
