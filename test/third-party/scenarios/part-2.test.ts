import { scenarioShard } from "./library.js";

scenarioShard(2);
