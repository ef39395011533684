import type { FaultRule } from "../../faults/injector.js";
import { api, messageOf } from "./api.js";
import { $, el, say } from "./dom.js";

/* The clock, reset and the list of fault rules. */

export async function refreshClock(): Promise<void> {
  const clock = $("#clock-now");
  try {
    const { now } = await api<{ now: string }>("clock");
    clock.textContent = now;
    clock.setAttribute("datetime", now);
  } catch (err) {
    clock.textContent = "unavailable: " + messageOf(err);
  }
}

/** Wires the clock forms and the reset button; `refreshAll` redraws the page after each change. */
export function wireControls(refreshAll: () => void): void {
  $("#advance-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const advance = $<HTMLInputElement>("#advance-by").value;
      const { now } = await api<{ now: string }>("clock", { method: "POST", body: { advance } });
      say("Sandbox time is now " + now);
      refreshAll();
    } catch (err) {
      say("Could not advance the clock: " + messageOf(err));
    }
  });
  $("#set-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const set = $<HTMLInputElement>("#set-to").value;
      const { now } = await api<{ now: string }>("clock", { method: "POST", body: { set } });
      say("Sandbox time is now " + now);
      refreshAll();
    } catch (err) {
      say("Could not set the clock: " + messageOf(err));
    }
  });
  $("#reset").addEventListener("click", async () => {
    try {
      await api("reset", { method: "POST", body: {} });
      say("Sandbox reset: starting world, wall-clock time, empty journal, no fault rules");
      refreshAll();
    } catch (err) {
      say("Could not reset: " + messageOf(err));
    }
  });
}

function describeRule(f: FaultRule): string {
  const what =
    f.kind === "status"
      ? "status " + f.status
      : f.kind === "latency"
        ? "latency " + JSON.stringify(f.latency)
        : f.kind;
  const remaining = f.remaining !== undefined ? ", remaining " + f.remaining : "";
  return (
    " — " +
    [f.service, f.operation, f.clientId].filter(Boolean).join(" ") +
    " → " +
    what +
    " (hits " +
    f.hits +
    remaining +
    ") "
  );
}

export async function refreshFaults(): Promise<void> {
  const list = $("#fault-list");
  list.replaceChildren();
  try {
    const { faults } = await api<{ faults: FaultRule[] }>("faults");
    if (faults.length === 0)
      list.append(el("li", { text: "No fault rules: every request gets its normal answer." }));
    for (const f of faults) {
      const remove = async () => {
        await api("faults/" + encodeURIComponent(f.id), { method: "DELETE" });
        say("Removed fault rule " + f.id);
        void refreshFaults();
      };
      list.append(
        el(
          "li",
          {},
          el("code", { text: f.id }),
          describeRule(f),
          el(
            "button",
            {
              class: "secondary",
              type: "button",
              "aria-label": "Remove fault rule " + f.id,
              onclick: () => void remove(),
            },
            "Remove",
          ),
        ),
      );
    }
  } catch (err) {
    list.append(el("li", { text: "Fault rules unavailable: " + messageOf(err) }));
  }
}
