import { type ListOptions, runJson, type StoreShape } from "@consortium/store";
import { Effect, Either } from "effect";
import { diffRuns } from "../diff/diffRuns.js";
import { type Html, html } from "../html/escape.js";
import { renderPage } from "../html/page.js";
import { matrixFromStored } from "../model/evalMatrix.js";
import { renderDiffMain } from "../render/diffPage.js";
import { renderCaseBody, renderEvalMain } from "../render/evalPage.js";
import { renderHistoryMain } from "../render/history.js";
import { type RunFilter, renderEvalsMain, renderRunsMain } from "../render/lists.js";
import { renderRunMain } from "../render/runPage.js";

// Every page of the viewer: a URL in, a response out, read through the store's read API only.

export interface Reply {
  readonly status: number;
  readonly type: "html" | "json";
  readonly body: string;
}

const PAGE_SIZE = 50;

const NAV: Html = html`<nav aria-label="main"><a href="/runs">Runs</a> · <a href="/evals">Evals</a></nav>`;

const page = (title: string, main: Html, status = 200): Reply => ({
  status,
  type: "html",
  body: renderPage({ title, mode: "server", body: main, nav: NAV })
});

const problem = (status: number, message: string): Reply =>
  page(
    status === 404 ? "Not found" : "Error",
    html`<main><h1>${status === 404 ? "Not found" : "Error"}</h1><p class="error">${message}</p></main>`,
    status
  );

const json = (value: unknown): Reply => ({ status: 200, type: "json", body: `${JSON.stringify(value, null, 2)}\n` });

/** A store failure as a page: unknown ids are 404, ambiguous prefixes 400, the rest 500. */
const failure = (error: { readonly _tag?: string; readonly message?: string }): Reply => {
  const tag = error._tag ?? "";
  const message = error.message ?? String(error);
  return problem(tag.endsWith("NotFound") ? 404 : tag === "AmbiguousRunId" ? 400 : 500, message);
};

const run = <A, E extends { readonly _tag?: string; readonly message?: string }>(
  effect: Effect.Effect<A, E>,
  use: (value: A) => Reply
): Promise<Reply> =>
  Effect.runPromise(Effect.either(effect)).then((either) =>
    Either.isRight(either) ? use(either.right) : failure(either.left)
  );

const DATE = /^\d{4}-\d{2}-\d{2}$/;

const param = (query: URLSearchParams, name: string): string | undefined => {
  const value = query.get(name)?.trim();
  return value === undefined || value === "" ? undefined : value;
};

const dayAfter = (day: string): string => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString();

/** Keyset paging: the cursor is the last listed entry's start time and id. */
const cursorOf = (query: URLSearchParams): ListOptions["before"] => {
  const before = param(query, "before");
  const split = before?.lastIndexOf("~") ?? -1;
  return before === undefined || split < 0
    ? undefined
    : { startedAt: before.slice(0, split), id: before.slice(split + 1) };
};

const nextPage = <T extends { readonly startedAt: string; readonly id: string }>(
  path: string,
  query: URLSearchParams,
  fetched: ReadonlyArray<T>
): string | null => {
  if (fetched.length <= PAGE_SIZE) return null;
  const last = fetched[PAGE_SIZE - 1]!;
  const next = new URLSearchParams(query);
  next.set("before", `${last.startedAt}~${last.id}`);
  return `${path}?${next.toString()}`;
};

const runsPage = (store: StoreShape, query: URLSearchParams): Promise<Reply> => {
  const from = param(query, "from");
  const to = param(query, "to");
  const filter: RunFilter = {
    ...(param(query, "consortium") === undefined ? {} : { consortium: param(query, "consortium")! }),
    ...(param(query, "status") === undefined ? {} : { status: param(query, "status")! }),
    ...(param(query, "q") === undefined ? {} : { text: param(query, "q")! }),
    ...(from !== undefined && DATE.test(from) ? { from } : {}),
    ...(to !== undefined && DATE.test(to) ? { to } : {})
  };
  const before = cursorOf(query);
  const options: ListOptions = {
    limit: PAGE_SIZE + 1,
    ...(filter.consortium === undefined ? {} : { consortium: filter.consortium }),
    ...(filter.status === undefined ? {} : { status: filter.status }),
    ...(filter.text === undefined ? {} : { text: filter.text }),
    ...(filter.from === undefined ? {} : { since: `${filter.from}T00:00:00.000Z` }),
    ...(filter.to === undefined ? {} : { until: dayAfter(filter.to) }),
    ...(before === undefined ? {} : { before })
  };
  return run(store.listRuns(options), (runs) =>
    page("Runs", renderRunsMain(runs.slice(0, PAGE_SIZE), filter, nextPage("/runs", query, runs)))
  );
};

const runLinks = (id: string): Html =>
  html`<a href="/runs/${encodeURIComponent(id)}.json">JSON</a>
<form class="filters" method="get" action="/diff"><input type="hidden" name="a" value="${id}"><label>diff against run<input type="text" name="b" required></label><button type="submit">Diff</button></form>`;

export const route = (store: StoreShape, url: URL): Promise<Reply> => {
  const parts = url.pathname
    .split("/")
    .filter((part) => part !== "")
    .map(decodeURIComponent);
  const [section, id, sub, caseId] = parts;
  const query = url.searchParams;
  if (section === undefined || (section === "runs" && id === undefined)) return runsPage(store, query);
  if (section === "runs" && id !== undefined && id.endsWith(".json"))
    return run(store.getRun(id.slice(0, -5)), (found) => json(runJson(found)));
  if (section === "runs" && id !== undefined && sub === undefined) {
    return run(store.getRun(id), (found) =>
      page(
        `Run ${found.id}`,
        renderRunMain(found, {
          mode: "server",
          liveUrl: `/runs/${encodeURIComponent(found.id)}`,
          links: runLinks(found.id)
        })
      )
    );
  }
  if (section === "evals" && id === undefined) {
    const before = cursorOf(query);
    return run(store.listEvals({ limit: PAGE_SIZE + 1, ...(before === undefined ? {} : { before }) }), (evals) =>
      page("Evals", renderEvalsMain(evals.slice(0, PAGE_SIZE), nextPage("/evals", query, evals)))
    );
  }
  if (section === "evals" && id !== undefined && id.endsWith(".json")) return run(store.getEval(id.slice(0, -5)), json);
  if (section === "evals" && id !== undefined && sub === undefined) {
    return run(store.getEval(id), (found) => {
      const matrix = matrixFromStored(found);
      const base = `/evals/${encodeURIComponent(found.id)}`;
      return page(
        `Eval ${found.suite}`,
        renderEvalMain(matrix, {
          mode: "server",
          liveUrl: base,
          caseUrl: (one) => `${base}/cases/${encodeURIComponent(one)}`,
          runUrl: (runId) => `/runs/${encodeURIComponent(runId)}`
        })
      );
    });
  }
  if (section === "evals" && id !== undefined && sub === "cases" && caseId !== undefined) {
    return run(store.getEval(id), (found) => {
      const one = matrixFromStored(found).cases.find((candidate) => candidate.id === caseId);
      if (one === undefined) return problem(404, `eval ${found.id} has no case ${caseId}`);
      return page(
        `Case ${one.id}`,
        html`<main><h1>Case ${one.id}</h1><p><a href="/evals/${encodeURIComponent(found.id)}">← eval ${found.suite} ${found.id}</a></p>${renderCaseBody(one, { runUrl: (runId) => `/runs/${encodeURIComponent(runId)}` })}</main>`
      );
    });
  }
  if (section === "suites" && id !== undefined) {
    return run(store.listEvals({ suite: id, limit: 100 }), (evals) =>
      page(`Suite ${id}`, renderHistoryMain(id, evals))
    );
  }
  if (section === "diff") {
    const a = param(query, "a");
    const b = param(query, "b");
    if (a === undefined || b === undefined)
      return Promise.resolve(problem(400, "a diff needs two runs: /diff?a=<run>&b=<run>"));
    return run(Effect.all([store.getRun(a), store.getRun(b)]), ([runA, runB]) =>
      page(
        "Diff",
        renderDiffMain(diffRuns(runA, runB), (runId) => `/runs/${encodeURIComponent(runId)}`)
      )
    );
  }
  return Promise.resolve(problem(404, `no page at ${url.pathname}`));
};
