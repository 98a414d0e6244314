# courant worker image. The workflow code is bundled at start; sources run through tsx (no build step).
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund
COPY bin ./bin
COPY src ./src
COPY tsconfig.json ./
ENV NODE_ENV=production DATA_DIR=/data
VOLUME ["/data"]
ENTRYPOINT ["node", "bin/courant.js"]
CMD ["worker"]
