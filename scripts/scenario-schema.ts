// Writes scenario.schema.json from the zod schema in harness/scenario.ts, so editors autocomplete
// exactly what the runner accepts. A test fails when the committed file is out of date.
import { writeFileSync } from "node:fs";
import { scenarioJsonSchema } from "../harness/runner/scenario.js";

writeFileSync("scenario.schema.json", JSON.stringify(scenarioJsonSchema(), null, 2) + "\n");
