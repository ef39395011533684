import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { MODES, type Mode } from "../support/modes.js";
import {
  entraToken,
  fill,
  fillJson,
  replay,
  staticValues,
  type Interaction,
  type Json,
  type Recorded,
  type Replayed,
} from "./replay.js";
import { suiteSandbox } from "../../harness/transports/vitest.js";

/*
 * The parity suite: every interaction transcribed from the Azure SDKs' recordings (recorded.json) is
 * replayed over HTTP against the sandbox, in both transports, and the recorded facts are compared:
 * status, the headers that matter, the body (exact for errors, by shape for tokens), expiry rules.
 */

const recorded = JSON.parse(readFileSync(new URL("./recorded.json", import.meta.url), "utf8")) as Recorded;

/** `expiresOn` as Azure's serializer writes it: at most seven digits, trailing zeros trimmed. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{0,6}[1-9])?\+00:00$/;
const SHAPES: Record<string, RegExp> = {
  $acsUserId: /^8:acs:[0-9a-f-]{36}_[0-9a-f-]{36}$/,
  $jwt: /^[\w-]+\.[\w-]+\.[\w-]+$/,
  $dateTime: DATE_TIME,
};

/** The expected body with shape placeholders as matchers and value placeholders filled. */
function expectedBody(value: Json, values: Record<string, string>): unknown {
  if (typeof value === "string") {
    return SHAPES[value] ? expect.stringMatching(SHAPES[value]) : fill(value, values);
  }
  if (Array.isArray(value)) return value.map((v) => expectedBody(v, values));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expectedBody(v, values)]));
  }
  return value;
}

function at(body: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], body);
}

function claims(jwt: string): Record<string, number> {
  return JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString("utf8")) as Record<string, number>;
}

/**
 * How an answer was framed on the wire: intercept mode hands the client a whole response, so there is
 * none (harness/transports/msw.ts drops the header); only server mode can be compared.
 */
const FRAMING_HEADERS = new Set(["transfer-encoding"]);

function compare(interaction: Interaction, got: Replayed, mode: Mode): void {
  const want = interaction.response;
  const label = interaction.id;
  expect(got.status, `${label}: ${got.text}`).toBe(want.status);

  for (const [name, value] of Object.entries(want.headers ?? {})) {
    if (mode === "intercept" && FRAMING_HEADERS.has(name)) continue;
    const actual = got.headers.get(name);
    if (value === true) expect(actual, `${label}: header ${name}`).not.toBeNull();
    else if (value === false) expect(actual, `${label}: header ${name}`).toBeNull();
    else expect(actual, `${label}: header ${name}`).toBe(fill(value, got.values));
  }
  // Each recorded controller answer lists the version it was served at, even one since retired.
  if (want.headers?.["api-supported-versions"] === true && got.values.apiVersion) {
    expect(
      got.headers.get("api-supported-versions")?.split(", "),
      `${label}: api-supported-versions`,
    ).toContain(got.values.apiVersion);
  }
  if (want.emptyBody) {
    expect(got.text, label).toBe("");
    return;
  }

  const body = JSON.parse(got.text) as Record<string, unknown>;
  const wantBody = interaction.sandboxFollows?.body ?? want.body;
  if (wantBody !== undefined) expect(body, label).toEqual(expectedBody(wantBody, got.values));
  for (const [field, value] of Object.entries(want.fields ?? {})) {
    expect(body[field], `${label}: ${field}`).toEqual(fillJson(value, got.values));
  }
  if (want.keys) expect(Object.keys(body).sort(), label).toEqual([...want.keys].sort());
  if (want.scopeEndsWith)
    expect(String(body.scope), label).toMatch(new RegExp(`${escape(want.scopeEndsWith)}$`));
  if (want.extExpiresInEqualsExpiresIn) expect(body.ext_expires_in, label).toBe(body.expires_in);
  if (want.idTokenLifetimeSeconds !== undefined) {
    const id = claims(String(body.id_token));
    expect(id.exp! - id.iat!, label).toBe(want.idTokenLifetimeSeconds);
  }
  if (want.descriptionPattern) {
    expect(String(body.error_description), label).toMatch(
      new RegExp(fill(want.descriptionPattern, got.values)),
    );
  }
  if (want.expiresOn) {
    const expiresOn = String(at(body, want.expiresOn.at));
    expect(expiresOn, label).toMatch(DATE_TIME);
    if (want.expiresOn.followsEntraToken) {
      expect(Date.parse(expiresOn), label).toBe(claims(got.values.entraToken!).exp! * 1000);
    }
    if (want.expiresOn.secondsAfterRequest !== undefined) {
      const lifetime = (Date.parse(expiresOn) - got.sentAtMs) / 1000;
      // The request's own second and the sandbox's whole-second issue time: a few seconds either way.
      expect(Math.abs(lifetime - want.expiresOn.secondsAfterRequest), label).toBeLessThan(5);
    }
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

describe("the transcribed recordings", () => {
  it("name their source and, where they disagree, what the sandbox follows", () => {
    const ids = recorded.interactions.map((i) => i.id);
    expect(new Set(ids).size).toBe(ids.length);
    const disagreements = new Set(recorded.disagreements.map((d) => d.id));
    for (const interaction of recorded.interactions) {
      expect(recorded.sources[interaction.source], interaction.id).toMatchObject({
        repo: expect.any(String),
        path: expect.any(String),
        recorded: expect.any(String),
      });
      if (interaction.sandboxFollows) {
        expect(disagreements.has(interaction.sandboxFollows.because), interaction.id).toBe(true);
      }
    }
  });
});

describe.each(MODES)("parity with recorded Azure answers (%s mode)", (mode) => {
  const sb = suiteSandbox({ mode, port: 0 });
  let values: Record<string, string>;

  beforeAll(async () => {
    values = { ...staticValues(sb), entraToken: await entraToken(sb) };
  });

  /** A fresh identity for interactions that act on one (delete consumes it). */
  async function createIdentity(): Promise<string> {
    const created = await replay(
      sb,
      {
        id: "setup",
        source: "setup",
        request: { method: "POST", path: "/identities", apiVersion: "2023-10-01" },
        response: { status: 201 },
      },
      values,
    );
    return (JSON.parse(created.text) as { identity: { id: string } }).identity.id;
  }

  it.each(recorded.interactions.map((i) => [i.id, i] as const))("%s", async (_id, interaction) => {
    const text = JSON.stringify(interaction.request);
    const run = { ...values };
    if (text.includes("$identity")) run.identity = await createIdentity();
    if (!text.includes("$expiredEntraToken"))
      return compare(interaction, await replay(sb, interaction, run), mode);

    run.expiredEntraToken = run.entraToken!;
    sb.clock.advance("3h");
    try {
      compare(interaction, await replay(sb, interaction, run), mode);
    } finally {
      sb.clock.reset();
    }
  });
});
