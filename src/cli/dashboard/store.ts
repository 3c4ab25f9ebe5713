/**
 * The server's copy of the dashboard picture: sources emit events into it, it applies
 * them with the same reducer the page uses and hands them on to every listener (the SSE
 * connections of open pages).
 */
import {
  applyEvent,
  type DashboardEvent,
  type DashboardMode,
  type DashboardSnapshot,
  type DoubleSpendView,
  emptySnapshot,
  type SimView,
} from "../../web-shared/dashboard-model.js";

export class DashboardStore {
  private current: DashboardSnapshot;
  private readonly listeners = new Set<(event: DashboardEvent) => void>();

  constructor(mode: DashboardMode, title: string, protocol: string) {
    this.current = emptySnapshot(mode, title, protocol);
  }

  get snapshot(): DashboardSnapshot {
    return this.current;
  }

  emit(event: DashboardEvent): void {
    this.current = applyEvent(this.current, event);
    for (const listener of this.listeners) listener(event);
  }

  /** Listen to every later event; returns the unsubscribe function. */
  subscribe(listener: (event: DashboardEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** What the page may ask a source to do; a mode lacks the actions it cannot perform. */
export interface DashboardActions {
  startSim?(request: { seed?: number; stepMs?: number }): Promise<SimView>;
  stopSim?(): Promise<SimView>;
  doubleSpend?(request: { a?: number; b?: number }): Promise<DoubleSpendView>;
}

/** A live data source behind the dashboard (a devnet or a simulation). */
export interface DashboardSource {
  readonly store: DashboardStore;
  readonly actions: DashboardActions;
  /** Stop polling, streams, workers. */
  close(): Promise<void>;
}
