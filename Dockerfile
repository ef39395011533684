# acs-sandbox: the fake Entra ID and ACS Identity service over HTTPS on 8443, and on 443 too (MSAL Python
# asks 443 for the user realm; other containers reach it at https://<network alias>/) (docs/container.md).
#
# Two ways to get the application into the image, chosen with APP (BuildKit builds only the one chosen):
#   APP=source (default)  npm ci and the TypeScript build run inside the build: needs the npm registry.
#                         docker build -t acs-sandbox .
#   APP=host              scripts/docker-build.sh stages the packed package and its production
#                         node_modules on the host (node_modules/.cache/acs-sandbox-image/) and the
#                         build only copies them: no network inside the build, any local BASE_IMAGE
#                         (scripts/docker-base-image.sh makes one from the host's own node).
# The runtime stage needs nothing but `node` in BASE_IMAGE: RUN, HEALTHCHECK and ENTRYPOINT use exec form.
ARG BASE_IMAGE=node:20-slim
ARG APP=source

FROM ${BASE_IMAGE} AS app-from-source
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
# better-sqlite3 is the one native module: its addon is fetched prebuilt or compiled here.
RUN npm rebuild better-sqlite3
COPY tsconfig.json tsconfig.build.json ./
COPY core core
COPY mock-aad mock-aad
COPY mock-acs mock-acs
COPY harness harness
COPY scenarios scenarios
COPY scripts/build.mjs scripts/
RUN npm run build \
  && npm prune --omit=dev --omit=optional \
  && mkdir -p /out/opt/acs-sandbox /out/data \
  && cp -R package.json dist scenarios node_modules /out/opt/acs-sandbox/

FROM scratch AS app-from-host
COPY node_modules/.cache/acs-sandbox-image/ /out/

FROM app-from-${APP} AS app

FROM ${BASE_IMAGE}
COPY --from=app /out/opt/acs-sandbox /opt/acs-sandbox
COPY scripts/docker-entrypoint.mjs /opt/acs-sandbox/
# /data holds the CA (ca/) and the ACS identities; owned by the sandbox's user so a named volume
# mounted there starts writable.
COPY --from=app --chown=10001:10001 /out/data /data
# Fails the build, not the first run, when a module is missing from the image.
RUN ["node", "/opt/acs-sandbox/dist/harness/cli/index.js", "--help"]

USER 10001:10001
ENV NODE_ENV=production \
    ACS_SANDBOX_HOST=0.0.0.0 \
    ACS_SANDBOX_PORT=8443 \
    ACS_SANDBOX_DATA_DIR=/data
VOLUME /data
# Docker lets unprivileged users bind ports below 1024 inside a container (net.ipv4.ip_unprivileged_port_start=0
# since Docker 20.10); where it does not, serve says so in its descriptor (port443) and keeps 8443.
EXPOSE 8443 443
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "require('https').get(`https://127.0.0.1:${process.env.ACS_SANDBOX_PORT||8443}/_sandbox/health`,{rejectUnauthorized:false},r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))"]
# A world file mounted at /etc/acs-sandbox/world.yaml is loaded unless a world or scenario is set.
ENTRYPOINT ["node", "/opt/acs-sandbox/docker-entrypoint.mjs"]
CMD ["serve"]
