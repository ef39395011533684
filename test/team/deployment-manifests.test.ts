// The team sandbox's deployment files (examples/team-sandbox), checked for structure: no Kubernetes
// cluster is reachable here, so `kubectl apply` never runs the manifests (test/team/compose.test.ts
// runs the compose file with docker-compose, test/team/deployment.test.ts the same topology without it).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { serveCommand } from "../../harness/cli/serve.js";

const ROOT = join(process.cwd(), "examples", "team-sandbox");
const K8S = join(ROOT, "k8s");
const HEALTH = "/_sandbox/health";

/** The environment variables `serve` reads, each the twin of a flag. */
const SERVE_ENV = new Set(serveCommand().options.flatMap((o) => (o.envVar ? [o.envVar] : [])));
/** The image's own settings (Dockerfile ENV): the port it listens on unless told otherwise. */
const IMAGE_PORT = Number(/ACS_SANDBOX_PORT=(\d+)/.exec(readFileSync("Dockerfile", "utf8"))?.[1]);

interface Port {
  name?: string;
  containerPort?: number;
  port?: number;
  targetPort?: number | string;
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}
interface Probe {
  httpGet?: { path: string; port: number | string; scheme?: string };
}
interface Container {
  name: string;
  image?: string;
  ports?: Port[];
  env?: EnvVar[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
}
interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: {
    replicas?: number;
    serviceName?: string;
    selector?: Record<string, string> & { matchLabels?: Record<string, string> };
    template?: { metadata: { labels: Record<string, string> }; spec: { containers: Container[] } };
    ports?: Port[];
  };
  stringData?: Record<string, string>;
}

function manifests(): { file: string; doc: Manifest }[] {
  return readdirSync(K8S)
    .filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml")
    .flatMap((file) =>
      parseAllDocuments(readFileSync(join(K8S, file), "utf8")).map((d) => {
        expect(d.errors, file).toEqual([]);
        return { file, doc: d.toJSON() as Manifest };
      }),
    );
}

const all = manifests();
const ofKind = (kind: string) => all.filter((m) => m.doc.kind === kind).map((m) => m.doc);
const workloads = () => [...ofKind("Deployment"), ...ofKind("StatefulSet")];
const sandboxContainers = () =>
  ofKind("Deployment").flatMap((d) =>
    d.spec!.template!.spec.containers.filter((c) => c.name === "acs-sandbox"),
  );

/** Whether a probe's or Service's port names a port the container declares. */
function declares(container: Container, port: number | string): boolean {
  return (container.ports ?? []).some((p) => p.name === port || p.containerPort === port);
}

describe("the team sandbox's Kubernetes manifests", () => {
  it("parse, and each names its kind, API version and name", () => {
    expect(all.length).toBeGreaterThanOrEqual(5);
    for (const { file, doc } of all) {
      expect(doc.apiVersion, file).toMatch(/^(v1|apps\/v1)$/);
      expect(doc.kind, file).toMatch(/^(Deployment|StatefulSet|Service|Secret)$/);
      expect(doc.metadata.name, file).toMatch(/^[a-z0-9-]+$/);
    }
    const kustomization = parse(readFileSync(join(K8S, "kustomization.yaml"), "utf8")) as {
      resources: string[];
    };
    for (const resource of kustomization.resources) expect(readdirSync(K8S)).toContain(resource);
  });

  it("runs the sandbox in two or more replicas, probed for readiness and liveness on /_sandbox/health over HTTPS", () => {
    const deployments = ofKind("Deployment");
    expect(deployments.map((d) => d.metadata.name)).toEqual(["acs-sandbox"]);
    for (const deployment of deployments) {
      expect(deployment.spec!.replicas).toBeGreaterThanOrEqual(2);
      for (const [key, value] of Object.entries(deployment.spec!.selector!.matchLabels!))
        expect(deployment.spec!.template!.metadata.labels[key]).toBe(value);
      for (const container of deployment.spec!.template!.spec.containers) {
        expect(container.image).toMatch(/acs-sandbox:/);
        for (const probe of [container.readinessProbe, container.livenessProbe]) {
          expect(probe?.httpGet?.path).toBe(HEALTH);
          expect(probe?.httpGet?.scheme).toBe("HTTPS");
          expect(declares(container, probe!.httpGet!.port)).toBe(true);
        }
      }
    }
  });

  it("sets only variables serve reads, the store URL and admin token from the Secret", () => {
    const secrets = ofKind("Secret");
    for (const container of sandboxContainers()) {
      const env = container.env ?? [];
      for (const variable of env) expect(SERVE_ENV, variable.name).toContain(variable.name);
      for (const name of ["ACS_SANDBOX_STORE", "ACS_SANDBOX_ADMIN_TOKEN"]) {
        const ref = env.find((e) => e.name === name)?.valueFrom?.secretKeyRef;
        expect(ref, name).toBeDefined();
        const secret = secrets.find((s) => s.metadata.name === ref!.name);
        expect(Object.keys(secret?.stringData ?? {}), name).toContain(ref!.key);
      }
      expect(secrets[0]!.stringData!["store-url"]).toMatch(/^postgres:\/\/[^@]+@postgres:5432\//);
      // The certificate names the public host, so clients verify the pods through the Service.
      const publicUrl = env.find((e) => e.name === "ACS_SANDBOX_PUBLIC_URL")!.value!;
      const hostnames = env.find((e) => e.name === "ACS_SANDBOX_HOSTNAMES")!.value!.split(",");
      expect(hostnames).toContain(new URL(publicUrl).hostname);
      // Without ACS_SANDBOX_PORT the image listens on its own port: the one the pod declares.
      expect(env.some((e) => e.name === "ACS_SANDBOX_PORT")).toBe(false);
      expect(container.ports!.map((p) => p.containerPort)).toContain(IMAGE_PORT);
    }
  });

  it("routes every Service port to a port its pods declare, and gives each StatefulSet its Service", () => {
    const services = ofKind("Service");
    expect(services.map((s) => s.metadata.name).sort()).toEqual(["acs-sandbox", "postgres"]);
    for (const service of services) {
      const selector = service.spec!.selector!;
      const pods = workloads().filter((w) =>
        Object.entries(selector).every(([k, v]) => w.spec!.template!.metadata.labels[k] === v),
      );
      expect(pods.length, service.metadata.name).toBe(1);
      const containers = pods[0]!.spec!.template!.spec.containers;
      for (const port of service.spec!.ports!) {
        expect(
          containers.some((c) => declares(c, port.targetPort ?? port.port!)),
          `${service.metadata.name}:${port.port}`,
        ).toBe(true);
      }
    }
    for (const statefulSet of ofKind("StatefulSet"))
      expect(services.map((s) => s.metadata.name)).toContain(statefulSet.spec!.serviceName);
  });
});

describe("the team sandbox's compose file", () => {
  interface ComposeService {
    image: string;
    environment?: Record<string, string>;
    ports?: string[];
    depends_on?: Record<string, unknown> | string[];
  }
  const compose = parse(readFileSync(join(ROOT, "compose.yaml"), "utf8"), { merge: true }) as {
    services: Record<string, ComposeService>;
  };
  const haproxy = readFileSync(join(ROOT, "haproxy.cfg"), "utf8");
  const replicas = Object.entries(compose.services).filter(([, s]) => s.image === "acs-sandbox:local");

  it("runs two replicas of the image on the PostgreSQL service, with variables serve reads", () => {
    expect(replicas.map(([name]) => name)).toEqual(["sandbox-1", "sandbox-2"]);
    for (const [name, service] of replicas) {
      for (const variable of Object.keys(service.environment ?? {}))
        expect(SERVE_ENV, name).toContain(variable);
      const store = new URL(service.environment!.ACS_SANDBOX_STORE!.replace(/\$\{[^}]+\}/g, "secret"));
      expect(store.protocol).toBe("postgres:");
      expect(Object.keys(compose.services)).toContain(store.hostname);
      expect(service.environment!.ACS_SANDBOX_ADMIN_TOKEN).toMatch(/^\$\{ACS_SANDBOX_ADMIN_TOKEN:\?/);
      expect(service.environment!.ACS_SANDBOX_PUBLIC_URL).toMatch(/^https:\/\/\$\{TEAM_SANDBOX_HOST\}/);
      expect(service.environment!.ACS_SANDBOX_HOSTNAMES).toMatch(/TEAM_SANDBOX_HOST/);
    }
  });

  it("balances round robin over exactly those replicas on the image's port, checking /_sandbox/health", () => {
    const servers = [...haproxy.matchAll(/^\s*server\s+(\S+)\s+([\w.-]+):(\d+)/gm)];
    expect(servers.map((s) => s[2])).toEqual(replicas.map(([name]) => name));
    for (const server of servers) expect(Number(server[3])).toBe(IMAGE_PORT);
    expect(haproxy).toMatch(/^\s*mode tcp$/m);
    expect(haproxy).toMatch(/^\s*balance roundrobin$/m);
    expect(haproxy).toMatch(/http-check send meth GET uri \/_sandbox\/health /);
    expect(haproxy).toMatch(/http-check expect status 200/);
    expect(haproxy).toMatch(/default-server check check-ssl /);
    // The published port reaches the port HAProxy binds.
    const bind = Number(/^\s*bind :(\d+)$/m.exec(haproxy)![1]);
    expect(compose.services.lb!.ports!.some((p) => p.endsWith(`:${bind}`))).toBe(true);
  });

  it("pulls Docker Hub's PostgreSQL 16 and HAProxy 2.8 unless POSTGRES_IMAGE and HAPROXY_IMAGE name others", () => {
    expect(compose.services.postgres!.image).toBe("${POSTGRES_IMAGE:-postgres:16}");
    expect(compose.services.lb!.image).toBe("${HAPROXY_IMAGE:-haproxy:2.8}");
    // The stand-ins' names, as .env.example suggests them, are the ones the stand-in script builds.
    const script = readFileSync("scripts/compose-stand-in-images.sh", "utf8");
    const example = readFileSync(join(ROOT, ".env.example"), "utf8");
    for (const variable of ["POSTGRES_IMAGE", "HAPROXY_IMAGE"]) {
      const suggested = new RegExp(`^# ${variable}=(\\S+)$`, "m").exec(example)?.[1];
      expect(suggested, variable).toBeDefined();
      expect(script).toMatch(new RegExp(`^[A-Z]+_TAG=${suggested}$`, "m"));
    }
  });
});
