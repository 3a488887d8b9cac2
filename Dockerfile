# Parley on Node.js 24 (see docs/operations.md). Build: docker build -t parley .
FROM node:24-slim

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    PARLEY_DATA_DIR=/data \
    MALLOC_ARENA_MAX=2 \
    NODE_COMPILE_CACHE=/data/compile-cache

WORKDIR /app
# The whole tree before installing (owned by root: the app writes only to /data): `npm ci` runs the
# package's own prepare step, which builds the staff inbox from web/ when it is there.
COPY . .
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force \
    && mkdir -p /data && chown node:node /data

USER node
VOLUME ["/data"]
EXPOSE 8000 9464
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s \
  CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# As `npm start` runs it, without npm in between, so SIGTERM reaches Node and shuts it down gracefully.
CMD ["node", "--max-semi-space-size=16", "--max-old-space-size=512", "--no-allocation-site-pretenuring", "src/main.ts"]
