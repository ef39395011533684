import { keepAdminToken } from "./api.js";
import { refreshClock, refreshFaults, wireControls } from "./controls.js";
import { $ } from "./dom.js";
import { loadOperations, refreshTraffic, wireFilters } from "./traffic.js";
import { refreshWorld, worldDrawn } from "./world.js";

/*
 * The inspector page's script (bundled into the page by ../script.ts): fills the server-rendered page
 * from the admin API and keeps it live every two seconds while "Live" is checked.
 */

function refreshAll(): void {
  void refreshClock();
  void refreshFaults();
  void loadOperations();
  void refreshTraffic();
  void refreshWorld();
}

keepAdminToken(refreshAll);
wireControls(refreshAll);
wireFilters();
refreshAll();
setInterval(() => {
  if (!$<HTMLInputElement>("#live").checked) return;
  void refreshClock();
  void refreshTraffic();
  void refreshFaults();
  if (!worldDrawn) void refreshWorld();
}, 2000);
