/** The page's link to the dashboard server: its event stream and its actions. */
import { applyEvent, type DashboardEvent, type DashboardSnapshot } from "../../src/web-shared/dashboard-model.js";

const EVENT_TYPES: readonly DashboardEvent["type"][] = ["nodes", "finalized", "metric", "double-spend", "sim", "sim-rounds"];

/**
 * Follow `/api/events`: `snapshot` replaces the picture (on every (re)connect), the other
 * events update it. `onChange` gets the new picture; `onConnection` the link's state.
 */
export function follow(onChange: (snapshot: DashboardSnapshot) => void, onConnection: (connected: boolean) => void): () => void {
  let snapshot: DashboardSnapshot | null = null;
  const source = new EventSource("/api/events");
  source.addEventListener("snapshot", (e) => {
    snapshot = JSON.parse((e as MessageEvent<string>).data) as DashboardSnapshot;
    onConnection(true);
    onChange(snapshot);
  });
  for (const type of EVENT_TYPES) {
    source.addEventListener(type, (e) => {
      if (snapshot === null) return;
      snapshot = applyEvent(snapshot, JSON.parse((e as MessageEvent<string>).data) as DashboardEvent);
      onChange(snapshot);
    });
  }
  // EventSource reconnects by itself; the server sends a fresh snapshot each time.
  source.addEventListener("error", () => onConnection(false));
  return () => source.close();
}

/** POST a JSON action; resolves to the answer or throws with the server's message. */
export async function act<T>(path: string, body: unknown = {}): Promise<T> {
  const response = await fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const json = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
  if (!response.ok) throw new Error(json.error?.message ?? `HTTP ${response.status}`);
  return json as T;
}
