/**
 * A local S3 (s3rver, a dev dependency) for the catalog tests and benchmark: run it on a loopback
 * port, and seed it fast by writing the files of its filesystem layout directly.
 *
 * s3rver runs in its own Node process, started with `--openssl-legacy-provider`: it encrypts
 * ListObjectsV2 continuation tokens with DES, which OpenSSL 3 only offers in its legacy provider,
 * so without it every truncated (paginated) listing fails with an InternalError. A separate
 * process also keeps the server's CPU and memory apart from the indexer's in the benchmark.
 */
import { spawn } from "child_process";
import { createHash } from "crypto";
import { mkdir, writeFile } from "fs/promises";
import { dirname, join, resolve } from "path";
import { createInterface } from "readline";

/** The access key pair s3rver accepts. */
export const LOCAL_S3_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const;

/** A running local S3. */
export interface LocalS3 {
  /** `http://127.0.0.1:<port>`, to use path-style. */
  readonly endpoint: string;
  /** Process id of the server. */
  readonly pid: number;
  /** Stops the server. */
  close(): Promise<void>;
}

const REPOSITORY_ROOT = resolve(__dirname, "..", "..");

/** Runs in the child: starts s3rver with the options in argv[1], prints its port, exits when stdin closes. */
const SERVER_SOURCE = `
const S3rver = require("s3rver");
const server = new S3rver(JSON.parse(process.argv[1]));
server.run().then((address) => process.stdout.write(JSON.stringify({ port: address.port }) + "\\n"), (error) => { console.error(error); process.exit(1); });
process.stdin.on("end", () => process.exit(0)).resume();
`;

/**
 * Starts s3rver on 127.0.0.1 (random port unless given) in a child process, storing into
 * `directory`, with `buckets` created. The child exits with `close()` or when this process ends.
 */
export async function startLocalS3(directory: string, buckets: readonly string[], port = 0): Promise<LocalS3> {
  const options = {
    address: "127.0.0.1",
    port,
    silent: true,
    directory,
    configureBuckets: buckets.map((name) => ({ name, configs: [] })),
  };
  const child = spawn(process.execPath, ["--openssl-legacy-provider", "-e", SERVER_SOURCE, JSON.stringify(options)], {
    cwd: REPOSITORY_ROOT,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let errors = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    errors = (errors + chunk.toString("utf8")).slice(-2000);
  });
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  const line = await new Promise<string>((done, fail) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once("line", (text) => {
      lines.close();
      done(text);
    });
    child.once("exit", (code) => {
      const reason = /Error: .*/.exec(errors)?.[0] ?? errors.trim();
      fail(new Error(`s3rver exited with code ${code} before listening: ${reason}`));
    });
  });
  const { port: listening } = JSON.parse(line) as { port: number };
  return {
    endpoint: `http://127.0.0.1:${listening}`,
    pid: child.pid!,
    close: async () => {
      child.stdin!.end();
      await exited;
    },
  };
}

/** One object to seed: key and content. */
export interface SeedObject {
  readonly key: string;
  readonly body: string | Buffer;
}

/**
 * Writes objects straight into s3rver's filesystem layout (`<dir>/<bucket>/<key>._S3rver_object`
 * plus its `.md5`, so that listing does not compute it), `concurrency` files at a time. Much
 * faster than PUT requests; the server must have the bucket configured.
 */
export async function seedLocalS3(
  directory: string,
  bucket: string,
  objects: Iterable<SeedObject>,
  concurrency = 64,
): Promise<number> {
  const madeDirs = new Map<string, Promise<unknown>>();
  const write = async (object: SeedObject): Promise<void> => {
    const path = join(directory, bucket, `${object.key}._S3rver_object`);
    const dir = dirname(path);
    let made = madeDirs.get(dir);
    if (made === undefined) {
      made = mkdir(dir, { recursive: true });
      madeDirs.set(dir, made);
    }
    await made;
    const md5 = createHash("md5").update(object.body).digest("hex");
    await Promise.all([writeFile(path, object.body), writeFile(`${path}.md5`, md5)]);
  };
  let count = 0;
  let batch: SeedObject[] = [];
  for (const object of objects) {
    batch.push(object);
    if (batch.length >= concurrency) {
      await Promise.all(batch.map(write));
      count += batch.length;
      batch = [];
    }
  }
  await Promise.all(batch.map(write));
  count += batch.length;
  return count;
}
