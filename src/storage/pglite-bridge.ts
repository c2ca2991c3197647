import net from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

/**
 * A PostgreSQL wire-protocol socket in front of PGlite, so the ordinary `pg` driver (Kysely,
 * pg-boss) talks to the embedded database exactly as to a server.
 *
 * PGlite is ONE backend session. Several client connections can share it only if each gets the
 * session for a whole unit of work: from its first message until the backend is idle again
 * (ReadyForQuery with status `I`). That covers an extended-protocol batch (Parse, Bind, Execute,
 * Sync: the unnamed statement lives until Sync) and a whole transaction (status `T` or `E`).
 * @electric-sql/pglite-socket 0.2.x schedules single messages and keeps a connection only
 * while a transaction is open, so two connections' batches interleave (one binds the other's
 * statement) and a failed message leaves its queue stuck for good (electric-sql/pglite#1046);
 * under concurrent requests the app hung. Here one connection owns the session at a time, the
 * others wait their turn in arrival order, and an owner that disconnects mid-transaction is
 * rolled back and releases it.
 */
export interface PgliteBridge {
  stop(): Promise<void>;
}

const SSL_REQUEST = 80877103;
const GSS_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const TERMINATE = 0x58; // 'X'
const READY_FOR_QUERY = 0x5a; // 'Z'
const IDLE = 0x49; // 'I'

class Connection {
  private input: Buffer = Buffer.alloc(0);
  /** complete frontend messages not yet given to PGlite */
  pending: Buffer[] = [];
  started = false;
  running = false;
  closed = false;
  constructor(readonly socket: net.Socket) {}

  /** Splits what arrived into whole messages; answers the pre-startup negotiation itself. */
  receive(data: Buffer): void {
    this.input = this.input.length ? Buffer.concat([this.input, data]) : data;
    for (;;) {
      if (!this.started) {
        if (this.input.length < 8) return;
        const length = this.input.readInt32BE(0);
        if (this.input.length < length) return;
        const code = this.input.readInt32BE(4);
        const message = this.input.subarray(0, length);
        this.input = this.input.subarray(length);
        // No TLS on a private socket; a cancel request cannot interrupt PGlite.
        if (code === SSL_REQUEST || code === GSS_REQUEST) this.socket.write('N');
        else if (code === CANCEL_REQUEST) this.socket.end();
        else {
          this.started = true;
          this.pending.push(Buffer.from(message));
        }
        continue;
      }
      if (this.input.length < 5) return;
      const length = 1 + this.input.readInt32BE(1);
      if (this.input.length < length) return;
      const message = this.input.subarray(0, length);
      this.input = this.input.subarray(length);
      if (message[0] === TERMINATE) {
        this.socket.end();
        return;
      }
      this.pending.push(Buffer.from(message));
    }
  }
}

export async function startPgliteBridge(db: PGlite, socketPath: string): Promise<PgliteBridge> {
  let owner: Connection | null = null;
  const waiting: Connection[] = [];
  const connections = new Set<Connection>();

  const schedule = (conn: Connection) => {
    if (conn.closed || conn.running || conn.pending.length === 0) return;
    if (owner === null || owner === conn) void run(conn);
    else if (!waiting.includes(conn)) waiting.push(conn);
  };

  const release = () => {
    owner = null;
    while (owner === null && waiting.length > 0) schedule(waiting.shift()!);
  };

  /** Runs everything the owner has sent; keeps the session for it until the backend is idle. */
  const run = async (conn: Connection) => {
    owner = conn;
    conn.running = true;
    const batch = Buffer.concat(conn.pending);
    conn.pending = [];
    let tail: Buffer = Buffer.alloc(0);
    let failed = false;
    try {
      await db.runExclusive(() =>
        db.execProtocolRawStream(new Uint8Array(batch), {
          onRawData: (chunk) => {
            const copy = Buffer.from(chunk);
            tail = Buffer.concat([tail, copy]).subarray(-6);
            if (!conn.closed) conn.socket.write(copy);
          },
        }),
      );
    } catch {
      // PGlite answers SQL errors in the protocol; a throw here means the session is unusable
      // for this client: drop the connection, and never leave the others waiting.
      failed = true;
    }
    conn.running = false;
    if (failed) conn.socket.destroy();
    if (conn.closed || failed) return abandon(conn);
    const idle =
      tail.length === 6 && tail[0] === READY_FOR_QUERY && tail.readInt32BE(1) === 5 && tail[5] === IDLE;
    if (!idle) {
      // mid-batch or inside a transaction: the session stays this connection's
      if (conn.pending.length > 0) void run(conn);
      return;
    }
    release();
    if (owner === null) schedule(conn);
    else if (conn.pending.length > 0 && !waiting.includes(conn)) waiting.push(conn);
  };

  /** A connection gone while it owned the session: roll back what it left open, then move on. */
  const abandon = async (conn: Connection) => {
    connections.delete(conn);
    const at = waiting.indexOf(conn);
    if (at >= 0) waiting.splice(at, 1);
    if (owner !== conn || conn.running) return;
    if (db.isInTransaction()) await db.exec('ROLLBACK').catch(() => {});
    release();
  };

  const server = net.createServer((socket) => {
    const conn = new Connection(socket);
    connections.add(conn);
    socket.setNoDelay(true);
    socket.on('data', (data) => {
      conn.receive(data);
      schedule(conn);
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      conn.closed = true;
      void abandon(conn);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  return {
    async stop() {
      for (const conn of connections) conn.socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
