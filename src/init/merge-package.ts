/**
 * What `fluvius init` adds to a package.json that already exists (say, from `npm init -y`):
 * ES modules, the scripts and the dependencies a fluvius project needs. Values the user set
 * are never changed, with one exception: `"type": "commonjs"`, which `npm init -y` writes by
 * default and with which neither `tsc` nor `fluvius serve` can load the generated ES modules;
 * it becomes "module", and init says so.
 */
export type PackageMerge =
  { readonly ok: true; readonly content: string | undefined; readonly changes: readonly string[] } | { readonly ok: false; readonly reason: string };

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

export function mergePackageJson(existing: string, scaffolded: string): PackageMerge {
  let user: unknown;
  try {
    user = JSON.parse(existing);
  } catch (error) {
    return {
      ok: false,
      reason: `package.json is not valid JSON (${error instanceof Error ? error.message : String(error)}); fix it, or remove it and run init again`,
    };
  }
  if (!isObject(user)) return { ok: false, reason: "package.json does not hold a JSON object; fix it, or remove it and run init again" };
  const ours = JSON.parse(scaffolded) as Json;
  const merged: Json = { ...user };
  const changes: string[] = [];

  if (merged.type !== "module") {
    changes.push(
      merged.type === undefined ? 'set "type": "module"' : `changed "type" from ${JSON.stringify(merged.type)} to "module" (the generated code is ES modules)`,
    );
    merged.type = "module";
  }
  for (const section of ["scripts", "dependencies", "devDependencies"] as const) {
    const wanted = isObject(ours[section]) ? ours[section] : {};
    const present = isObject(merged[section]) ? { ...merged[section] } : {};
    if (merged[section] !== undefined && !isObject(merged[section]))
      return { ok: false, reason: `"${section}" of package.json is not an object; fix it and run init again` };
    const added: string[] = [];
    for (const [name, value] of Object.entries(wanted)) {
      // A dependency listed in either section counts as present, at whatever version.
      const elsewhere = section !== "scripts" && [merged.dependencies, merged.devDependencies].some((s) => isObject(s) && name in s);
      if (name in present || elsewhere) continue;
      present[name] = value;
      added.push(name);
    }
    if (added.length > 0) {
      merged[section] = present;
      changes.push(`added ${section === "scripts" ? "scripts" : section} ${added.join(", ")}`);
    }
  }
  if (changes.length === 0) return { ok: true, content: undefined, changes };
  const indent = /^[{[]\r?\n([ \t]+)/.exec(existing)?.[1] ?? "  ";
  return { ok: true, content: `${JSON.stringify(merged, null, indent)}\n`, changes };
}
