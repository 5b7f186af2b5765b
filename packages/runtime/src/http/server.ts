import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from "fastify";
import type { DomainDefinition } from "../runtime/domain.js";
import type { EventStore } from "../runtime/store/types.js";
import type { Authenticator } from "./auth.js";
import { checkCsrf } from "./session/csrf.js";
import { type RequestAuthenticator, requestAuthenticator } from "./session/request-auth.js";
import type { SessionOptions } from "./session/session.js";
import { registerSession } from "./routes/session.js";
import { isStorableText, UNSTORABLE_MESSAGE } from "../runtime/text.js";
import type { BuildInfo } from "./meta/app-meta.js";
import { clientErrorOf, databaseValueError, serverErrorReply, stderrReporter, type ServerErrorReport, wireErrorOf } from "./errors.js";
import { InvalidQueryError } from "../runtime/read/errors.js";
import { resourcesOf } from "./resources.js";
import { apiRoutes } from "./route-table.js";
import { commandHandlers } from "./routes/commands.js";
import { metaHandlers } from "./routes/meta.js";
import { queryHandlers } from "./routes/queries.js";
import { apiShapeOf, registerRoutes } from "./routes/register.js";
import { viewHandlers } from "./routes/views.js";
import { type DomainDocsPage, registerDomainDocs } from "./routes/domain-docs.js";
import { liveHandlers } from "./routes/live.js";
import { createLiveHub, type LiveOptions } from "./live/hub.js";
import { liveSourcesOf } from "./live/sources.js";

export interface ServerOptions {
  readonly store: EventStore;
  readonly domains: readonly DomainDefinition[];
  /** Verifies `Authorization: Bearer <token>`. */
  readonly authenticate: Authenticator;
  /** Also accept a session cookie (CSRF-checked for commands), and offer the browser login when it has one. */
  readonly session?: SessionOptions;
  /** The claim `/auth/info` shows as `organization.name` (default: the tenant id). */
  readonly tenantNameClaim?: string;
  /** Prefix of every route, e.g. "/api" ("" for none). */
  readonly basePath: string;
  /** The generated OpenAPI document: served at /openapi.json, with Swagger UI at /docs. */
  readonly openApi?: Record<string, unknown>;
  /** The domain docs page (`fluvius docs`), served at /docs/domain. */
  readonly domainDocs?: DomainDocsPage;
  /** Shown by `/_meta`. */
  readonly name?: string;
  readonly version?: string;
  /** Shown by `/_meta` as `build_no` and `build_time`. */
  readonly build?: BuildInfo;
  readonly logger?: boolean;
  /**
   * Where a server error (status 5xx) is reported, one line each, with the `errorId` its reply
   * carries. Default: a line on stderr, with the stack when `stacks` is set.
   */
  readonly reportError?: (report: ServerErrorReport) => void;
  /** Add the stack to the default report (`fluvius serve` sets it with --log or DEBUG=fluvius). */
  readonly stacks?: boolean;
  /** Limits of the live routes (docs/http.md, "Live updates"). */
  readonly live?: LiveOptions;
}

/** What every route needs. */
export interface RequestContext {
  readonly store: EventStore;
  readonly basePath: string;
  /** The caller, by `Authorization` or else by the session cookie. */
  readonly authenticate: RequestAuthenticator;
  readonly tenantNameClaim?: string;
  readonly name: string;
  readonly version: string;
  readonly build: BuildInfo;
}

/**
 * The HTTP API of DESIGN §4 over the given domains: commands, queries, history, time travel,
 * metadata and docs. Errors always have the shape `{ errcode, errmesg, errdata }`.
 */
export async function createServer(options: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    routerOptions: { ignoreTrailingSlash: true },
    bodyLimit: 1024 * 1024,
    // Errors of the router (a path segment over its 100-character limit: 414; a malformed
    // percent-encoding: 400) and of the HTTP parser (headers over 16 KiB: 431) get the envelope too.
    frameworkErrors: (error, _request, reply: FastifyReply) => {
      const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
      const errcode = status === 414 ? "uri-too-long" : "bad-request";
      void reply.status(status).send({ errcode, errmesg: error.message, errdata: {} });
    },
    clientErrorHandler: (error: Error & { code?: string }, socket) => {
      if (!socket.writable) return socket.destroy(error);
      const [status, errcode, errmesg] =
        error.code === "HPE_HEADER_OVERFLOW"
          ? [431, "headers-too-large", "The request's headers are larger than 16 KiB."]
          : error.code === "ERR_HTTP_REQUEST_TIMEOUT"
            ? [408, "request-timeout", "The request took too long to arrive."]
            : [400, "bad-request", "The request is not valid HTTP."];
      const body = JSON.stringify({ errcode, errmesg, errdata: {} });
      const reason = { 400: "Bad Request", 408: "Request Timeout", 431: "Request Header Fields Too Large" }[status];
      socket.end(
        `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    },
  });
  const context: RequestContext = {
    store: options.store,
    basePath: options.basePath,
    authenticate: requestAuthenticator(options.authenticate, options.session),
    ...(options.tenantNameClaim === undefined ? {} : { tenantNameClaim: options.tenantNameClaim }),
    name: options.name ?? "fluvius",
    version: options.version ?? "0.0.0",
    build: options.build ?? {},
  };

  // A command without a payload may come with no body at all.
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => {
    const text = typeof body === "string" ? body : body.toString("utf8");
    if (text.trim() === "") return done(null, {});
    try {
      done(null, JSON.parse(text));
    } catch {
      done(Object.assign(new Error("The body is not valid JSON."), { statusCode: 400, code: "invalid-json" }), undefined);
    }
  });

  // Query parameters are single strings the database can store: a repeated one (sort=a&sort=b)
  // or one with NUL or a lone surrogate is refused here, naming it, before any route reads it.
  app.addHook("preHandler", async (request) => {
    const query = request.query as Record<string, unknown> | undefined;
    for (const [name, value] of Object.entries(query ?? {})) {
      if (typeof value !== "string") throw new InvalidQueryError(`Give \`${name}\` once.`, { parameter: name });
      if (!isStorableText(value) || !isStorableText(name)) throw new InvalidQueryError(`\`${name}\` ${UNSTORABLE_MESSAGE}.`, { parameter: name });
    }
  });

  const session = options.session;
  if (session !== undefined) {
    await app.register((await import("@fastify/cookie")).default);
    // Before the body is read: a forged command is refused as early as possible.
    app.addHook("onRequest", async (request) => checkCsrf(request, session.cookieName));
  }

  const reportError = options.reportError ?? stderrReporter(options.stacks ?? false);
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const wire = wireErrorOf(error) ?? databaseValueError(error) ?? clientErrorOf(error);
    if (wire && wire.status < 500) return reply.status(wire.status).send(wire.body);
    // A server error: logged with an id the reply carries, so "it has been logged" is true.
    const { report, status, body, headers } = serverErrorReply(error, wire, `${request.method} ${request.url}`);
    request.log.error({ err: error, errorId: report.errorId }, report.line);
    reportError(report);
    return reply.status(status).headers(headers).send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ errcode: "not-found", errmesg: `No route ${request.method} ${request.url}.`, errdata: {} }),
  );

  if (options.openApi) {
    const document = options.openApi;
    app.get("/openapi.json", async () => document);
    const swagger = (await import("@fastify/swagger")).default;
    const swaggerUi = (await import("@fastify/swagger-ui")).default;
    await app.register(swagger, { mode: "static", specification: { document: document as never } });
    await app.register(swaggerUi, { routePrefix: "/docs" });
  }
  if (options.domainDocs) registerDomainDocs(app, options.domainDocs);

  const resources = resourcesOf(options.store, options.domains);
  const hub = createLiveHub(options.store, liveSourcesOf(resources, options.domains), options.live);
  // Before the WebSocket plugin's own: the streams end with a reason and a position, then the sockets close.
  app.addHook("preClose", () => hub.shutdown());
  // A client message over 64 KiB is no subscription: the socket is closed (1009).
  await app.register((await import("@fastify/websocket")).default, { options: { maxPayload: 64 * 1024 } });
  // The table the OpenAPI document is built from (src/emit/openapi/document.ts).
  registerRoutes(app, apiRoutes(apiShapeOf(options.domains, resources), context.basePath), {
    ...commandHandlers(resources, context),
    ...queryHandlers(resources, context),
    ...viewHandlers(options.domains, context),
    ...metaHandlers(options.domains, resources, context),
    ...liveHandlers(hub, context),
  });
  if (session !== undefined) registerSession(app, session, context);
  return app;
}
