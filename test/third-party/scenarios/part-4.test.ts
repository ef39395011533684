import { scenarioShard } from "./library.js";

scenarioShard(4);
