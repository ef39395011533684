import type { ConfidentialClientApplication, PublicClientApplication } from "@azure/msal-node";
import type { Descriptor } from "../sandbox/descriptor.js";
import type { SandboxControl } from "./control.js";
import { ScenarioRuntimeError } from "./errors.js";
import type { StepValue } from "./types.js";

type EntraToken = Extract<StepValue, { kind: "entraToken" }>;

/** What one scenario run carries from step to step. */
export class RunContext {
  #descriptor: Descriptor | undefined;
  /** MSAL applications by app and credential, so their token caches live for the whole story. */
  readonly msalApps = new Map<string, PublicClientApplication | ConfidentialClientApplication>();
  readonly saved = new Map<string, StepValue>();
  lastEntraToken: EntraToken | undefined;

  constructor(readonly control: SandboxControl) {}

  async descriptor(): Promise<Descriptor> {
    this.#descriptor ??= await this.control.descriptor();
    return this.#descriptor;
  }

  /** World edits can add apps and users; the next step reads a fresh descriptor. */
  worldChanged(): void {
    this.#descriptor = undefined;
  }

  async user(name: string) {
    const d = await this.descriptor();
    const found = d.users.find((u) => u.name === name || u.upn.toLowerCase() === name.toLowerCase());
    if (!found) {
      throw new ScenarioRuntimeError(
        `Unknown user "${name}": the world has ${d.users.map((u) => u.name).join(", ")}`,
      );
    }
    return found;
  }

  async app(name: string) {
    const d = await this.descriptor();
    const found = d.apps.find((a) => a.name === name || a.clientId === name);
    if (!found) {
      throw new ScenarioRuntimeError(
        `Unknown app "${name}": the world has ${d.apps.map((a) => a.name).join(", ")}`,
      );
    }
    return found;
  }

  savedValue<K extends StepValue["kind"]>(alias: string, kind: K): Extract<StepValue, { kind: K }> {
    const value = this.saved.get(alias);
    if (!value) {
      throw new ScenarioRuntimeError(
        `No step saved "${alias}" (as: ${alias}) before this one${this.saved.size ? `; saved so far: ${[...this.saved.keys()].join(", ")}` : ""}`,
      );
    }
    if (value.kind !== kind)
      throw new ScenarioRuntimeError(`"${alias}" holds a ${value.kind}, not a ${kind}`);
    return value as Extract<StepValue, { kind: K }>;
  }
}
