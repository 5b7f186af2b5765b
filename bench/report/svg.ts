/**
 * The runtime comparison as a hand-written SVG bar chart: one panel per backend, one group
 * per concurrency, one bar per contender (median commands per second, whiskers min–max).
 */
import type { BackendFigures, ContenderId, RuntimeResult } from "../runtime/index.js";

const COLORS: Record<ContenderId, string> = {
  fluvius: "#2563eb",
  "fluvius-nocache": "#93c5fd",
  "raw-tx": "#4b5563",
  "raw-autocommit": "#b6bcc6",
  emmett: "#f59e0b",
};

const LEGEND: Record<ContenderId, string> = {
  fluvius: "fluvius",
  "fluvius-nocache": "fluvius, stream cache off",
  "raw-tx": "raw INSERT in a transaction",
  "raw-autocommit": "raw INSERT, autocommit",
  emmett: "Emmett (PostgreSQL store)",
};

const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** 1234 → "1.2k", 950 → "950". */
export function compact(value: number): string {
  if (value >= 10_000) return `${(value / 1000).toFixed(0)}k`;
  if (value >= 1000) return `${(value / 1000).toFixed(1).replace(/\.0$/, "")}k`;
  return value.toFixed(0);
}

/** A round axis maximum at or above `value`, and its tick step. */
function axis(value: number): { max: number; step: number } {
  const raw = Math.max(value, 1) / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  return { max: Math.ceil(value / step) * step, step };
}

const BACKEND_NAMES = { postgres: "PostgreSQL", pglite: "PGlite" } as const;

function panel(backend: BackendFigures, x0: number, y0: number, width: number, height: number, out: string[]): void {
  const top = Math.max(...backend.commands.flatMap((c) => c.contenders.map((f) => f.perSecond.max)));
  const { max, step } = axis(top);
  const left = x0 + 56;
  const plotWidth = width - 66;
  const plotTop = y0 + 30;
  const plotHeight = height - 70;
  const y = (v: number) => plotTop + plotHeight - (v / max) * plotHeight;

  out.push(`<text x="${x0 + width / 2}" y="${y0 + 14}" class="panel">${BACKEND_NAMES[backend.backend]}</text>`);
  for (let v = 0; v <= max + step / 2; v += step) {
    out.push(`<line x1="${left}" x2="${left + plotWidth}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" class="grid"/>`);
    out.push(`<text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" class="tick">${compact(v)}</text>`);
  }
  out.push(
    `<text transform="translate(${x0 + 12},${plotTop + plotHeight / 2}) rotate(-90)" class="axis">commands per second</text>`,
    `<line x1="${left}" x2="${left + plotWidth}" y1="${y(0)}" y2="${y(0)}" class="base"/>`,
  );

  const groups = backend.commands.length;
  const groupWidth = plotWidth / groups;
  backend.commands.forEach((group, g) => {
    const bars = group.contenders.length;
    const barWidth = Math.min(44, (groupWidth - 40) / bars);
    const start = left + g * groupWidth + (groupWidth - barWidth * bars) / 2;
    group.contenders.forEach((c, i) => {
      const x = start + i * barWidth;
      const h = y(0) - y(c.perSecond.median);
      const cx = x + barWidth / 2;
      out.push(
        `<rect x="${(x + 2).toFixed(1)}" y="${y(c.perSecond.median).toFixed(1)}" width="${(barWidth - 4).toFixed(1)}" height="${h.toFixed(1)}" fill="${COLORS[c.id]}">` +
          `<title>${escape(`${LEGEND[c.id]}, ${group.clients} client${group.clients === 1 ? "" : "s"}: ${c.perSecond.median.toFixed(0)}/s (min ${c.perSecond.min.toFixed(0)}, max ${c.perSecond.max.toFixed(0)})`)}</title></rect>`,
        `<line x1="${cx.toFixed(1)}" x2="${cx.toFixed(1)}" y1="${y(c.perSecond.min).toFixed(1)}" y2="${y(c.perSecond.max).toFixed(1)}" class="whisker"/>`,
        `<line x1="${(cx - 4).toFixed(1)}" x2="${(cx + 4).toFixed(1)}" y1="${y(c.perSecond.max).toFixed(1)}" y2="${y(c.perSecond.max).toFixed(1)}" class="whisker"/>`,
        `<line x1="${(cx - 4).toFixed(1)}" x2="${(cx + 4).toFixed(1)}" y1="${y(c.perSecond.min).toFixed(1)}" y2="${y(c.perSecond.min).toFixed(1)}" class="whisker"/>`,
        `<text x="${cx.toFixed(1)}" y="${(y(c.perSecond.max) - 5).toFixed(1)}" class="value">${compact(c.perSecond.median)}</text>`,
      );
    });
    out.push(
      `<text x="${(left + g * groupWidth + groupWidth / 2).toFixed(1)}" y="${y(0) + 18}" class="group">${group.clients} client${group.clients === 1 ? "" : "s"}</text>`,
    );
  });
}

export function runtimeChart(runtime: RuntimeResult): string {
  const width = 980;
  const panelHeight = 380;
  const backends = runtime.backends;
  const panelWidth = width / Math.max(1, backends.length);
  const ids = [...new Set(backends.flatMap((b) => b.commands.flatMap((c) => c.contenders.map((x) => x.id))))];
  const legendTop = 40 + panelHeight + 6;
  const height = legendTop + 26;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" role="img" aria-labelledby="title">`,
    `<title id="title">fluvius runtime: commands per second against raw INSERT and Emmett</title>`,
    "<style>.panel{font-size:15px;font-weight:600;text-anchor:middle;fill:#111827}.title{font-size:16px;font-weight:600;fill:#111827}.sub{font-size:12px;fill:#4b5563}" +
      ".tick{font-size:11px;text-anchor:end;fill:#6b7280}.axis{font-size:11px;text-anchor:middle;fill:#6b7280}.group{font-size:13px;text-anchor:middle;fill:#111827}" +
      ".value{font-size:10px;text-anchor:middle;fill:#374151}.legend{font-size:12px;fill:#374151}.grid{stroke:#e5e7eb;stroke-width:1}.base{stroke:#9ca3af;stroke-width:1}.whisker{stroke:#111827;stroke-width:1}</style>",
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="16" y="22" class="title">Commands per second (deposits on ${runtime.accounts} accounts), median of ${runtime.runs} runs</text>`,
    `<text x="16" y="38" class="sub">whiskers: min–max; each contender on its own database, same pool size (${runtime.poolSize}), runs interleaved</text>`,
  ];
  backends.forEach((backend, i) => panel(backend, i * panelWidth, 44, panelWidth, panelHeight, out));
  let x = 16;
  for (const id of ids) {
    out.push(
      `<rect x="${x}" y="${legendTop + 4}" width="12" height="12" fill="${COLORS[id]}"/>`,
      `<text x="${x + 17}" y="${legendTop + 14}" class="legend">${escape(LEGEND[id])}</text>`,
    );
    x += 30 + LEGEND[id].length * 7;
  }
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}
