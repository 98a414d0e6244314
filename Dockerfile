# courant worker image. The `courant` command is built by `npm install` (its prepare script: dist/cli)
# and the workflow code is bundled once (dist/, WORKFLOW_BUNDLE_DIR): the command starts as
# JavaScript and the worker without webpack.
FROM node:24-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
COPY bin ./bin
COPY src ./src
COPY scripts/check-bundle.ts scripts/build-cli.ts scripts/cli-bundle.ts ./scripts/
RUN npm install --omit=dev --no-audit --no-fund
RUN node --import tsx scripts/check-bundle.ts
# MALLOC_ARENA_MAX: glibc's, read at the process's start (docs/configuration.md, "The process").
ENV NODE_ENV=production DATA_DIR=/data WORKFLOW_BUNDLE_DIR=/app/dist MALLOC_ARENA_MAX=2
VOLUME ["/data"]
ENTRYPOINT ["node", "bin/courant.js"]
CMD ["worker"]
