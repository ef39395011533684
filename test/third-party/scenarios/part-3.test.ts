import { scenarioShard } from "./library.js";

scenarioShard(3);
