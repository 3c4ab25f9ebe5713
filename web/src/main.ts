/**
 * The dashboard page: follows the server's event stream and redraws at most once per
 * animation frame. `window.__entropicDashboard` exposes what was drawn, for browser tests.
 */
import "./style.css";
import type { DashboardSnapshot, SimView } from "../../src/web-shared/dashboard-model.js";
import { act, follow } from "./api.js";
import { type DevnetRendered, renderDevnet } from "./devnet-view.js";
import { byId, el } from "./dom.js";
import { renderSim } from "./sim-view.js";

interface DashboardProbe {
  ready: boolean;
  connected: boolean;
  renders: number;
  snapshot: DashboardSnapshot | null;
  devnet: DevnetRendered | null;
}

declare global {
  interface Window {
    __entropicDashboard: DashboardProbe;
  }
}

const probe: DashboardProbe = { ready: false, connected: false, renders: 0, snapshot: null, devnet: null };
window.__entropicDashboard = probe;

let pending = false;
function schedule(): void {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => {
    pending = false;
    render();
  });
}

function render(): void {
  const s = probe.snapshot;
  if (s === null) return;
  byId("mode").textContent = s.mode;
  byId("title").textContent = s.title;
  byId("protocol").textContent = s.protocol;
  byId("devnet-view").hidden = s.mode !== "devnet";
  byId("devnet-controls").hidden = s.mode !== "devnet";
  byId("sim-view").hidden = s.mode !== "sim";
  byId("sim-controls").hidden = s.mode !== "sim";
  if (s.mode === "devnet") probe.devnet = renderDevnet(s);
  else {
    renderSim(s.sim);
    syncSimControls(s.sim);
  }
  probe.renders++;
  probe.ready = true;
}

function syncSimControls(sim: SimView | null): void {
  const seed = byId<HTMLInputElement>("sim-seed");
  const pace = byId<HTMLSelectElement>("sim-pace");
  if (sim === null) return;
  if (document.activeElement !== seed && seed.dataset.touched !== "1") seed.value = String(sim.seed);
  if (document.activeElement !== pace && pace.dataset.touched !== "1") {
    if (![...pace.options].some((o) => o.value === String(sim.stepMs))) pace.append(el("option", { value: String(sim.stepMs) }, `${sim.stepMs} ms / round`));
    pace.value = String(sim.stepMs);
  }
  byId<HTMLButtonElement>("sim-stop").disabled = sim.state !== "running";
  byId<HTMLButtonElement>("sim-start").textContent = sim.state === "running" ? "Restart" : "Start";
}

function setConnection(connected: boolean): void {
  probe.connected = connected;
  byId("conn-dot").className = `dot ${connected ? "live" : "down"}`;
  byId("conn-text").textContent = connected ? "live" : "reconnecting";
}

/** A message at the bottom of the page for a few seconds (a failed action). */
function showError(message: string): void {
  const toast = el("div", { class: "toast error", role: "alert" }, message);
  document.body.append(toast);
  setTimeout(() => toast.remove(), 6000);
}

function wireControls(): void {
  const spend = byId<HTMLButtonElement>("double-spend");
  spend.addEventListener("click", async () => {
    spend.disabled = true;
    try {
      await act("/api/double-spend");
    } catch (error) {
      showError(`double spend failed: ${(error as Error).message}`);
    } finally {
      spend.disabled = false;
    }
  });
  for (const id of ["sim-seed", "sim-pace"]) byId(id).addEventListener("change", (e) => ((e.target as HTMLElement).dataset.touched = "1"));
  byId("sim-start").addEventListener("click", async () => {
    const seedText = byId<HTMLInputElement>("sim-seed").value.trim();
    const body: { seed?: number; stepMs: number } = { stepMs: Number(byId<HTMLSelectElement>("sim-pace").value) };
    if (/^\d+$/.test(seedText)) body.seed = Number(seedText);
    try {
      await act("/api/sim/start", body);
    } catch (error) {
      showError(`start failed: ${(error as Error).message}`);
    }
  });
  byId("sim-stop").addEventListener("click", async () => {
    try {
      await act("/api/sim/stop");
    } catch (error) {
      showError(`stop failed: ${(error as Error).message}`);
    }
  });
}

wireControls();
window.addEventListener("resize", schedule);
follow(
  (snapshot) => {
    probe.snapshot = snapshot;
    schedule();
  },
  setConnection,
);
