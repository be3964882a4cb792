# The platform's processes (services, gateway, Connect worker) for docker-compose.yml.
# TypeScript runs by Node's type stripping, so there is no build step.
FROM node:24-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts=false && npm cache clean --force
COPY . .
USER node
