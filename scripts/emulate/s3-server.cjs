// One Region's S3 for the emulation: s3rver (a dev dependency) on the address and port given,
// serving the buckets found in the directory. Run with `node --openssl-legacy-provider` (s3rver
// encrypts ListObjectsV2 continuation tokens with DES; see scripts/catalog/local-s3.ts).
// Usage: node --openssl-legacy-provider s3-server.cjs <address> <port> <directory> <bucket>...
"use strict";
const S3rver = require("s3rver");

const [address, port, directory, ...buckets] = process.argv.slice(2);
const server = new S3rver({
  address,
  port: Number(port),
  silent: true,
  vhostBuckets: false, // path-style only: Host names such as s3.us-east-1.<namespace> are not buckets
  directory,
  configureBuckets: buckets.map((name) => ({ name, configs: [] })),
});
server.run().then(
  (listening) => process.stdout.write(`s3rver listening on ${listening.address}:${listening.port} for ${buckets.join(", ")}\n`),
  (error) => {
    process.stderr.write(`s3rver failed to start: ${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  },
);
const stop = () => server.close().then(() => process.exit(0), () => process.exit(1));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
