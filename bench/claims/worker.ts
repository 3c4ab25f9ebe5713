/** Worker thread of `npm run claims`: runs tasks (bench/claims/tasks.ts) and posts their JSON results back. */
import { parentPort } from "node:worker_threads";
import { runTask, type Task } from "./tasks.js";

parentPort!.on("message", (msg: { id: number; task: Task }) => {
  try {
    parentPort!.postMessage({ id: msg.id, result: runTask(msg.task) });
  } catch (error) {
    parentPort!.postMessage({ id: msg.id, error: `${(error as Error).message}` });
  }
});
