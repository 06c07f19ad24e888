import { createServer } from "node:http";
import { createConnection, type Socket } from "node:net";
import type { PGlite } from "@electric-sql/pglite";
import { type WebSocket, WebSocketServer } from "ws";

/**
 * The local WebSocket-to-Postgres bridge. The Neon driver speaks the Postgres wire protocol inside WebSocket
 * frames and asks for `ws://BRIDGE/v2?address=HOST:PORT`. HOST `pglite` is served by an embedded PGlite
 * (chosen by the database name of the startup message); any other address is relayed byte for byte to a
 * TCP Postgres, both ends closed together.
 *
 * PGlite is a single session: we feed it each connection's messages in whole units (up to Sync or a simple
 * Query), one connection at a time, and a connection that leaves a transaction open keeps PGlite to itself
 * until the transaction ends. Terminate closes the connection (the driver relies on the server hanging up).
 */
export interface BridgeOptions {
  port?: number;
  host?: string;
  /** Returns the PGlite instance for a database name; undefined when this bridge serves no PGlite. */
  pglite?: (database: string) => Promise<PGlite>;
  /**
   * Instead of PGlite, host `pglite` names a database of a TCP Postgres: given the startup message's
   * database name, returns where to relay (the tests' native target, test/setup/databases.ts).
   */
  native?: (database: string) => Promise<NativeDatabase>;
}

export interface NativeDatabase {
  host: string;
  port: number;
  database: string;
  user: string;
}

export interface Bridge {
  port: number;
  /** `127.0.0.1:PORT`, the value for NEXUS_WS_PROXY. */
  address: string;
  openConnections(): number;
  close(): Promise<void>;
}

const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;

export async function startBridge(options: BridgeOptions = {}): Promise<Bridge> {
  const host = options.host ?? "127.0.0.1";
  const sockets = new Set<WebSocket>();
  // Plain HTTP GET /stats tells how many connections are open (tests prove pools are ended with it).
  const server = createServer((req, res) => {
    const ok = req.url === "/stats";
    res.writeHead(ok ? 200 : 404, { "content-type": "application/json" });
    res.end(JSON.stringify(ok ? { open: sockets.size } : { error: "not found" }));
  });
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const sessions = new Map<PGlite, PgliteSession>();

  wss.on("connection", (ws, req) => {
    sockets.add(ws);
    ws.on("close", () => sockets.delete(ws));
    const target = new URL(req.url ?? "/", "http://bridge").searchParams.get("address") ?? "";
    const sep = target.lastIndexOf(":");
    const targetHost = sep > 0 ? target.slice(0, sep) : target;
    const targetPort = sep > 0 ? Number(target.slice(sep + 1)) : 5432;
    if (targetHost === "pglite" && options.native) {
      relayNative(ws, options.native);
    } else if (targetHost === "pglite") {
      if (!options.pglite) return ws.close(1011, "this bridge serves no embedded database");
      servePglite(ws, options.pglite, sessions);
    } else {
      relayTcp(ws, targetHost || "127.0.0.1", targetPort || 5432);
    }
  });

  const port = (server.address() as { port: number }).port;
  return {
    port,
    address: `${host}:${port}`,
    openConnections: () => sockets.size,
    close: async () => {
      for (const ws of sockets) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Host `pglite` served by a TCP Postgres: the startup message is read here, its database and user replaced by
 * what `resolve` says, then everything is relayed byte for byte.
 */
function relayNative(ws: WebSocket, resolve: (database: string) => Promise<NativeDatabase>): void {
  let buffer: Buffer = Buffer.alloc(0);
  const onMessage = (data: unknown) => {
    buffer = Buffer.concat([buffer, toBuffer(data)]);
    while (buffer.length >= 8 && buffer.length >= buffer.readInt32BE(0)) {
      const length = buffer.readInt32BE(0);
      const code = buffer.readInt32BE(4);
      const message = buffer.subarray(0, length);
      buffer = buffer.subarray(length);
      if (code === SSL_REQUEST) {
        ws.send(Buffer.from("N"));
        continue;
      }
      ws.off("message", onMessage);
      if (code !== PROTOCOL_3) return ws.close();
      const params = parseStartup(message);
      const rest = buffer;
      // Messages that arrive while the target is resolved wait in relayTcp's queue.
      const early: Buffer[] = [];
      const hold = (more: unknown) => early.push(toBuffer(more));
      ws.on("message", hold);
      resolve(params.get("database") ?? "postgres").then(
        (target) => {
          ws.off("message", hold);
          params.set("database", target.database);
          params.set("user", target.user);
          relayTcp(ws, target.host, target.port, [buildStartup(params), rest, ...early]);
        },
        (error: unknown) => {
          const text = error instanceof Error ? error.message : String(error);
          if (ws.readyState === ws.OPEN) ws.send(errorResponse(`bridge: ${text}`));
          ws.close();
        },
      );
      return;
    }
  };
  ws.on("message", onMessage);
}

function relayTcp(ws: WebSocket, host: string, port: number, first: Buffer[] = []): void {
  const pending: Buffer[] = first.filter((chunk) => chunk.length > 0);
  let connected = false;
  const socket: Socket = createConnection({ host, port }, () => {
    connected = true;
    for (const chunk of pending) socket.write(chunk);
    pending.length = 0;
  });
  socket.setNoDelay(true);
  ws.on("message", (data) => {
    const chunk = toBuffer(data);
    if (connected) socket.write(chunk);
    else pending.push(chunk);
  });
  socket.on("data", (chunk) => {
    if (ws.readyState === ws.OPEN) ws.send(chunk);
  });
  const closeBoth = () => {
    socket.destroy();
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close();
  };
  socket.on("close", closeBoth);
  socket.on("error", closeBoth);
  ws.on("close", closeBoth);
  ws.on("error", closeBoth);
}

function toBuffer(data: unknown): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data as Buffer[]);
  return Buffer.from(data as ArrayBuffer);
}

/** One PGlite shared by many connections: a FIFO lock, held across units while a transaction is open. */
class PgliteSession {
  private tail: Promise<void> = Promise.resolve();
  owner: object | null = null;
  private release: (() => void) | null = null;

  constructor(readonly pg: PGlite) {}

  /** Waits for the session unless `conn` already holds it (an open transaction). */
  async acquire(conn: object): Promise<void> {
    if (this.owner === conn) return;
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    this.owner = conn;
    this.release = release;
  }

  releaseFrom(conn: object): void {
    if (this.owner !== conn) return;
    this.owner = null;
    const release = this.release;
    this.release = null;
    release?.();
  }
}

function servePglite(
  ws: WebSocket,
  resolve: (database: string) => Promise<PGlite>,
  sessions: Map<PGlite, PgliteSession>,
): void {
  const conn = {};
  let buffer: Buffer = Buffer.alloc(0);
  let session: PgliteSession | null = null;
  let startup: Buffer | null = null;
  let unit: Buffer[] = [];
  let closed = false;
  let work: Promise<void> = Promise.resolve();

  const send = (data: Uint8Array) => {
    if (!closed && ws.readyState === ws.OPEN && data.length > 0) ws.send(data);
  };

  // Runs one unit of messages on PGlite and forwards the output; keeps the lock while a transaction is open.
  const run = async (messages: Buffer) => {
    if (!session) return;
    await session.acquire(conn);
    let tail = Buffer.alloc(0);
    try {
      await session.pg.execProtocolRawStream(messages, {
        onRawData: (chunk: Uint8Array) => {
          send(chunk);
          tail = Buffer.concat([tail, Buffer.from(chunk)]).subarray(-6);
        },
      });
    } catch (error) {
      closeWithError(error);
    }
    // ReadyForQuery is 'Z', length 5, status I (idle), T (in transaction) or E (failed transaction). A unit
    // ended by Flush has none yet: keep the session until the client's Sync.
    const idle = tail.length === 6 && tail[0] === 0x5a && tail[5] === 0x49;
    if (idle || closed) await finish();
  };

  // Leaves the session clean: a connection gone mid-transaction is rolled back.
  const finish = async () => {
    if (!session || session.owner !== conn) return;
    if (session.pg.isInTransaction()) {
      try {
        await session.pg.execProtocolRaw(simpleQuery("ROLLBACK"));
      } catch {
        // nothing more to do: the session is released either way
      }
    }
    session.releaseFrom(conn);
  };

  const closeWithError = (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    send(errorResponse(`bridge: ${message}`));
    closed = true;
    ws.close();
  };

  const enqueue = (fn: () => Promise<void>) => {
    work = work.then(fn).catch(closeWithError);
  };

  const onStartup = async (message: Buffer) => {
    const params = parseStartup(message);
    const database = params.get("database") ?? params.get("user") ?? "postgres";
    const pg = await resolve(database);
    session = sessions.get(pg) ?? new PgliteSession(pg);
    sessions.set(pg, session);
    params.set("user", "postgres");
    params.set("database", "postgres");
    await run(buildStartup(params));
  };

  // Messages are views into the WebSocket's buffers (fresh for each message, never reused), so a unit is copied
  // once, when its messages are joined: statements carry megabytes of parameters during an import.
  ws.on("message", (data) => {
    const chunk = toBuffer(data);
    buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
    while (!closed) {
      if (!startup) {
        if (buffer.length < 8) return;
        const length = buffer.readInt32BE(0);
        const code = buffer.readInt32BE(4);
        if (buffer.length < length) return;
        const message = buffer.subarray(0, length);
        buffer = buffer.subarray(length);
        if (code === SSL_REQUEST) {
          send(Buffer.from("N"));
        } else if (code === CANCEL_REQUEST) {
          closed = true;
          ws.close();
        } else if (code === PROTOCOL_3) {
          startup = Buffer.from(message);
          enqueue(() => onStartup(startup!));
        } else {
          closeWithError(new Error(`unsupported protocol ${code}`));
        }
        continue;
      }
      if (buffer.length < 5) return;
      const length = 1 + buffer.readInt32BE(1);
      if (buffer.length < length) return;
      const type = String.fromCharCode(buffer[0]!);
      const message = buffer.subarray(0, length);
      buffer = buffer.subarray(length);
      if (type === "X") {
        closed = true;
        enqueue(finish);
        ws.close();
        return;
      }
      unit.push(message);
      // Sync, a simple Query or Flush completes a unit the server answers by itself.
      if (type === "S" || type === "Q" || type === "H") {
        const messages = unit.length === 1 ? unit[0]! : Buffer.concat(unit);
        unit = [];
        enqueue(() => run(messages));
      }
    }
  });
  ws.on("close", () => {
    closed = true;
    enqueue(finish);
  });
  ws.on("error", () => {
    closed = true;
  });
}

function parseStartup(message: Buffer): Map<string, string> {
  const params = new Map<string, string>();
  const parts = message.subarray(8).toString("utf8").split("\0");
  for (let i = 0; i + 1 < parts.length; i += 2) {
    if (parts[i]) params.set(parts[i]!, parts[i + 1]!);
  }
  return params;
}

function buildStartup(params: Map<string, string>): Buffer {
  const body = Buffer.from([...params].map(([k, v]) => `${k}\0${v}\0`).join("") + "\0", "utf8");
  const header = Buffer.alloc(8);
  header.writeInt32BE(8 + body.length, 0);
  header.writeInt32BE(PROTOCOL_3, 4);
  return Buffer.concat([header, body]);
}

function simpleQuery(sql: string): Uint8Array {
  const body = Buffer.from(`${sql}\0`, "utf8");
  const header = Buffer.alloc(5);
  header.write("Q", 0);
  header.writeInt32BE(4 + body.length, 1);
  return new Uint8Array(Buffer.concat([header, body]));
}

function errorResponse(message: string): Buffer {
  const fields = Buffer.from(`SFATAL\0C08006\0M${message}\0\0`, "utf8");
  const header = Buffer.alloc(5);
  header.write("E", 0);
  header.writeInt32BE(4 + fields.length, 1);
  return Buffer.concat([header, fields]);
}
