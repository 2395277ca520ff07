import { createServer, request as forward, type Server } from 'node:http';

/**
 * An HTTP pass-through to a real server (the local S3 server), for outages on cue: it records each request's
 * method and URL, and can be `down` (every connection dropped) or cut the connection once `cutAfterBytes` bytes
 * of request bodies have passed, staying down from then on, as a store that goes away mid-upload.
 */
export class FlakyProxy {
  private readonly server: Server;
  requests: string[] = [];
  down = false;
  cutAfterBytes = Number.POSITIVE_INFINITY;
  private forwarded = 0;
  private readonly target: { host: string; port: number };

  constructor(target: { host: string; port: number }) {
    this.target = target;
    this.server = createServer((req, res) => {
      this.requests.push(`${req.method} ${req.url}`);
      if (this.down) {
        req.socket.destroy();
        return;
      }
      const upstream = forward(
        { host: this.target.host, port: this.target.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => req.socket.destroy());
      req.on('data', (chunk: Buffer) => {
        this.forwarded += chunk.length;
        if (this.forwarded > this.cutAfterBytes) {
          this.down = true;
          upstream.destroy();
          req.socket.destroy();
          return;
        }
        upstream.write(chunk);
      });
      req.on('end', () => upstream.end());
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  reset(): void {
    this.down = false;
    this.cutAfterBytes = Number.POSITIVE_INFINITY;
    this.forwarded = 0;
    this.requests = [];
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
