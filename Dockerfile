# courant worker image. The workflow code is bundled once, at build time (dist/, WORKFLOW_BUNDLE_DIR):
# the worker starts without webpack. Sources run through tsx (no build step).
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund
COPY bin ./bin
COPY src ./src
COPY scripts/check-bundle.ts ./scripts/
COPY tsconfig.json ./
RUN node --import tsx scripts/check-bundle.ts
ENV NODE_ENV=production DATA_DIR=/data WORKFLOW_BUNDLE_DIR=/app/dist
VOLUME ["/data"]
ENTRYPOINT ["node", "bin/courant.js"]
CMD ["worker"]
