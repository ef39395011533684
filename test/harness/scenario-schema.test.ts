import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SCENARIOS_DIR, packageRoot } from "../../harness/sandbox/paths.js";
import {
  loadScenario,
  parseScenario,
  ScenarioError,
  scenarioJsonSchema,
} from "../../harness/runner/scenario.js";
import { parseLocatedYaml } from "../../harness/sandbox/yaml-location.js";

const bundled = readdirSync(SCENARIOS_DIR).filter((f) => f.endsWith(".yaml"));

/** Parses YAML text as a scenario file and returns the issues it is rejected with. */
function issuesOf(text: string) {
  const located = parseLocatedYaml(text, "bad.yaml");
  try {
    parseScenario(located.value, "bad.yaml", located);
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    return (err as ScenarioError).issues;
  }
  throw new Error("the scenario was accepted");
}

describe("scenario schema", () => {
  it.each(bundled)("accepts the bundled scenario %s, which points editors at the JSON Schema", (file) => {
    const path = join(SCENARIOS_DIR, file);
    expect(readFileSync(path, "utf8").split("\n")[0]).toBe(
      "# yaml-language-server: $schema=../scenario.schema.json",
    );
    const scenario = loadScenario(path);
    expect(scenario.name).toBe(file.replace(/\.yaml$/, ""));
    expect(scenario.description.length).toBeGreaterThan(20);
  });

  it("rejects a bad flow with its line, field path and the allowed values", () => {
    const issues = issuesOf(
      [
        "description: bad flow",
        "steps:",
        "  - signIn: { user: alice, app: contoso-teams, flow: browser }",
      ].join("\n"),
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: "steps[0].signIn.flow", line: 3 });
    expect(issues[0]!.message).toContain("interactive");
  });

  it("names an unknown action and the action it was likely meant to be", () => {
    const issues = issuesOf(
      [
        "description: typo",
        "steps:",
        "  - signIn: { user: alice, app: contoso-teams }",
        "  - exhcange: { acs: contoso-acs }",
      ].join("\n"),
    );
    expect(issues[0]).toMatchObject({ path: "steps[1].exhcange", line: 4 });
    expect(issues[0]!.message).toBe('unknown action "exhcange": did you mean "exchange"?');
  });

  it("rejects a step with two actions, a missing description and a misspelt expectation", () => {
    const issues = issuesOf(
      [
        "steps:",
        "  - createUser: { acs: contoso-acs }",
        "    deleteUser: { acs: contoso-acs, identity: x }",
        "  - createUser: { acs: contoso-acs }",
        "    expect: { eror: { code: 400 } }",
      ].join("\n"),
    );
    const byPath = Object.fromEntries(issues.map((i) => [i.path, i]));
    expect(byPath["description"]!.message).toMatch(/expected string/i);
    expect(byPath["steps[0]"]).toMatchObject({ line: 2 });
    expect(byPath["steps[0]"]!.message).toContain("exactly one action");
    expect(byPath["steps[1].expect.eror"]).toMatchObject({
      line: 5,
      message: 'Unknown key "eror": did you mean "error"?',
    });
  });

  it("reports world errors at their line inside the scenario", () => {
    const issues = issuesOf(
      [
        "description: a world typo",
        "world:",
        "  extends: default",
        "  apps:",
        "    contoso-teams: { signInAudience: everyone }",
        "steps:",
        "  - createUser: { acs: contoso-acs }",
      ].join("\n"),
    );
    expect(issues[0]).toMatchObject({ path: "world.apps.contoso-teams.signInAudience", line: 5 });
  });

  it("says the whole message with file and line", () => {
    const located = parseLocatedYaml("description: x\nsteps:\n  - advanceClock: soon\n", "late.yaml");
    expect(() => parseScenario(located.value, "late.yaml", located)).toThrow(
      /late\.yaml:3 steps\[0\]\.advanceClock/,
    );
  });

  it("keeps scenario.schema.json up to date with the zod schema (npm run schema)", () => {
    const committed = JSON.parse(readFileSync(join(packageRoot(), "scenario.schema.json"), "utf8"));
    expect(committed).toEqual(scenarioJsonSchema());
  });
});
