#!/usr/bin/env node
// The README's main command: the banking example end to end on the embedded database.
// fluvius init → generate → (a hand-written "no overdraft" rule) → migrate → serve, then a
// short scripted HTTP session: open an account, deposit, a withdrawal refused for
// insufficient funds (409), the history, and the balance as it was two versions ago.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("..", import.meta.url));
const bin = path.join(repo, "bin/run.js");
// `npm run demo -- [dir] [--keep-serving]`: --keep-serving leaves the server up afterwards,
// so /docs can be opened in a browser (Ctrl-C stops it).
const args = process.argv.slice(2);
const keepServing = args.includes("--keep-serving");
const dir = path.resolve(args.find((a) => !a.startsWith("--")) ?? mkdtempSync(path.join(tmpdir(), "fluvius-demo-")));

function fluvius(...args) {
  console.log(`\n$ fluvius ${args.join(" ")}`);
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: dir, stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" });
  process.stdout.write(result.stdout);
  if (result.status !== 0) fail(`\`fluvius ${args.join(" ")}\` exited with ${result.status}.`);
  return result.stdout;
}

let serverProcess; // stopped by fail(), so a failed demo leaves no server behind

function fail(message) {
  console.error(`\nThe demo stopped: ${message}`);
  serverProcess?.kill("SIGTERM");
  process.exit(1);
}

console.log(`Demo project: ${dir}`);
mkdirSync(dir, { recursive: true });
fluvius("init", ".");
// What `npm install` would do in a real project: link this fluvius build as its dependency.
mkdirSync(path.join(dir, "node_modules/@fluvius"), { recursive: true });
symlinkSync(repo, path.join(dir, "node_modules/fluvius"), "dir");
symlinkSync(path.join(repo, "packages/runtime"), path.join(dir, "node_modules/@fluvius/runtime"), "dir");
fluvius("validate");
fluvius("generate");

// The developer writes the business rule DESIGN §2 leaves to the handler: no overdraft.
const handlers = path.join(dir, "src/domain/banking/account.ts");
const source = readFileSync(handlers, "utf8")
  .replace("import type * as types", 'import { BusinessRuleError, compare } from "@fluvius/runtime";\nimport type * as types')
  .replace(
    "export const handleWithdraw: types.WithdrawHandler = ({ payload }) => {\n",
    "export const handleWithdraw: types.WithdrawHandler = ({ state, payload }) => {\n" +
      "  if (compare(state.balance, payload.amount) < 0) {\n" +
      '    throw new BusinessRuleError("insufficient-funds", `The balance ${state.balance} does not cover ${payload.amount}.`);\n' +
      "  }\n",
  );
writeFileSync(handlers, source);
console.log("\n(edited src/domain/banking/account.ts: withdraw refuses an overdraft with `insufficient-funds`)");

fluvius("migrate", "new", "init");
fluvius("migrate", "up");

console.log("\n$ fluvius serve --port 0");
const server = spawn(process.execPath, [bin, "serve", "--port", "0"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
serverProcess = server;
let output = "";
const base = await new Promise((resolve) => {
  const timer = setTimeout(() => fail(`the server did not start:\n${output}`), 60_000);
  const onData = (chunk) => {
    output += chunk;
    const match = /listening on (http:\/\/\S+?)\/api/.exec(output);
    if (match) {
      clearTimeout(timer);
      server.stdout.off("data", onData);
      server.stderr.off("data", onData);
      process.stdout.write(output);
      resolve(match[1]);
    }
  };
  server.stdout.on("data", onData);
  server.stderr.on("data", onData);
  server.on("exit", (code) => fail(`the server exited with ${code}:\n${output}`));
});

const token = fluvius("token", "--sub", "teller-1", "--tenant", "acme", "--role", "teller").trim();

async function call(method, url, body) {
  const response = await fetch(`${base}${url}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const json = await response.json();
  console.log(`\n${method} ${url}${body ? ` ${JSON.stringify(body)}` : ""}\n→ ${response.status} ${JSON.stringify(json)}`);
  return { status: response.status, json };
}

function expectStatus(result, status, what) {
  if (result.status !== status) {
    server.kill("SIGTERM");
    fail(`${what}: expected HTTP ${status}, got ${result.status}.`);
  }
}

try {
  const opened = await call("POST", "/api/banking:open-account/account/:new", { customerId: "5b0f6a8e-3a57-4d1c-9c65-0d2b7e4a1f00", accountType: "checking" });
  expectStatus(opened, 200, "open an account");
  const id = opened.json.data.account._id;
  expectStatus(await call("POST", `/api/banking:deposit/account/${id}`, { amount: "100.00" }), 200, "deposit");
  expectStatus(await call("POST", `/api/banking:deposit/account/${id}`, { amount: "50.00" }), 200, "deposit");
  const refused = await call("POST", `/api/banking:withdraw/account/${id}`, { amount: "500.00" });
  expectStatus(refused, 409, "a withdrawal larger than the balance");
  if (refused.json.errcode !== "insufficient-funds") fail(`expected errcode insufficient-funds, got ${refused.json.errcode}`);
  expectStatus(await call("POST", `/api/banking:withdraw/account/${id}`, { amount: "30.00" }), 200, "withdraw");
  const history = await call("GET", `/api/banking.account/${id}/_events`);
  expectStatus(history, 200, "history");
  const now = await call("GET", `/api/banking.account/${id}`);
  const then = await call("GET", `/api/banking.account/${id}?version=${now.json._version - 2}`);
  expectStatus(then, 200, "time travel");
  console.log(`\nThe balance is ${now.json.balance} at version ${now.json._version}; two versions ago it was ${then.json.balance}.`);
  console.log(`The history has ${history.json.data.length} events: ${history.json.data.map((e) => e.type).join(", ")}.`);
} catch (error) {
  server.kill("SIGTERM");
  throw error;
}
if (keepServing) {
  console.log(`\nThe API is still running: open ${base}/docs (Swagger UI) or ${base}/openapi.json; Ctrl-C stops it.`);
  server.stdout.pipe(process.stdout);
  server.stderr.pipe(process.stderr);
  process.on("SIGINT", () => server.kill("SIGTERM"));
  server.removeAllListeners("exit");
  server.on("exit", () => process.exit(0));
} else {
  server.removeAllListeners("exit");
  server.kill("SIGTERM");
  console.log(`\nDemo finished. To browse the API (Swagger UI at /docs): npm run demo -- --keep-serving,`);
  console.log(`or serve this project again: cd ${dir} && node ${bin} serve`);
}
