import { parentPort, workerData } from "node:worker_threads";
import type { ConsortiumConfig } from "@consortium/config";
import { messageOf } from "@consortium/config/messageOf";
import { makeRunner, type RunOutcome, StartFailed } from "./Runner.js";
import type { RunnerOptions, ThreadReply, ThreadRequest } from "./runThreadClient.js";

// The run thread's side (see threadRunner.ts): the server's one runtime, its runs started, aborted
// and reported as the main thread asks. Configs arrive once and are kept by id until the main thread
// says to forget them, so a consortium's runs share one config object (the store works out a
// config's hash and provenance once per object).

const port = parentPort;
const configs = new Map<number, ConsortiumConfig>();
const controllers = new Map<number, AbortController>();

const reply = (message: ThreadReply): void => {
  try {
    port?.postMessage(message);
  } catch (error) {
    // a result that cannot be copied across (a bug): its run still ends, as an error
    if (message.type !== "done") throw error;
    const reason = messageOf(error);
    port?.postMessage({
      type: "done",
      id: message.id,
      outcome: { _tag: "Error", runId: "-", message: `internal error: ${reason}` }
    } satisfies ThreadReply);
  }
};

const start = async () => {
  let runner: Awaited<ReturnType<typeof makeRunner>>;
  try {
    runner = await makeRunner(workerData as RunnerOptions);
  } catch (error) {
    const message = messageOf(error);
    reply({ type: "startFailed", message, startFailed: error instanceof StartFailed });
    port?.close();
    return;
  }
  port?.on("message", (request: ThreadRequest) => {
    switch (request.type) {
      case "run": {
        if (request.config !== undefined) configs.set(request.configId, request.config);
        const config = configs.get(request.configId);
        const controller = new AbortController();
        controllers.set(request.id, controller);
        const running: Promise<RunOutcome> =
          config === undefined
            ? Promise.resolve({
                _tag: "Error",
                runId: request.runId,
                message: "internal error: the run's consortium was not sent"
              })
            : runner.run({
                config,
                runId: request.runId,
                prompt: request.prompt,
                history: request.history,
                origin: request.origin,
                signal: controller.signal,
                ...(request.events ? { onEvent: (event) => reply({ type: "event", id: request.id, event }) } : {}),
                ...(request.streamSynthesis ? { streamSynthesis: true } : {})
              });
        void running
          .catch(
            (error: unknown): RunOutcome => ({
              _tag: "Error",
              runId: request.runId,
              message: `internal error: ${messageOf(error)}`
            })
          )
          .then((outcome) => {
            controllers.delete(request.id);
            reply({ type: "done", id: request.id, outcome });
          });
        return;
      }
      case "abort":
        controllers.get(request.id)?.abort();
        return;
      case "forget":
        configs.delete(request.configId);
        return;
      case "lost":
        void runner.interruptLost(request.runIds, request.reason).then(
          (marked) => reply({ type: "lostMarked", marked }),
          (error: unknown) => reply({ type: "lostMarked", marked: 0, error: messageOf(error) })
        );
        return;
      case "dispose":
        void runner.dispose().finally(() => {
          reply({ type: "disposed" });
          port?.close();
        });
        return;
    }
  });
  reply({ type: "ready" });
};

void start();
