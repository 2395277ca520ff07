import { createServer, type Server, type Socket } from 'node:net';

/** The EICAR anti-virus test file, assembled here so this source itself is not flagged by a scanner. */
export const EICAR = ['X5O!P%@AP[4\\PZX54(P^)7CC)7}$', 'EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'].join('');

/**
 * A local stand-in for clamd that speaks its INSTREAM command as clamd documents it: `zINSTREAM\0` (or
 * `nINSTREAM\n`), then chunks each led by a 4-byte big-endian length, ended by a zero length. It answers
 * `stream: Eicar-Test-Signature FOUND` when the bytes hold the EICAR test string, `stream: OK` otherwise, and
 * `INSTREAM size limit exceeded. ERROR` past `maxBytes`, like clamd's StreamMaxLength.
 */
export class FakeClamd {
  private readonly server: Server;
  scans = 0;
  maxBytes = 25 * 1024 * 1024;

  constructor() {
    this.server = createServer((socket) => this.serve(socket));
  }

  async start(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as { port: number }).port;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private serve(socket: Socket): void {
    let buffer = Buffer.alloc(0);
    let command: 'z' | 'n' | null = null;
    const data: Buffer[] = [];
    let size = 0;
    const answer = (text: string) => {
      socket.end(`${text}${command === 'n' ? '\n' : '\0'}`);
    };
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (command === null) {
        const end = buffer.findIndex((b) => b === 0 || b === 10);
        if (end < 0) return;
        const name = buffer.subarray(0, end).toString('latin1');
        buffer = buffer.subarray(end + 1);
        if (name !== 'zINSTREAM' && name !== 'nINSTREAM') {
          socket.end('UNKNOWN COMMAND\0');
          return;
        }
        command = name[0] as 'z' | 'n';
      }
      while (buffer.length >= 4) {
        const length = buffer.readUInt32BE(0);
        if (length === 0) {
          this.scans++;
          const bytes = Buffer.concat(data).toString('latin1');
          answer(bytes.includes(EICAR) ? 'stream: Eicar-Test-Signature FOUND' : 'stream: OK');
          return;
        }
        if (buffer.length < 4 + length) return;
        data.push(buffer.subarray(4, 4 + length));
        size += length;
        buffer = buffer.subarray(4 + length);
        if (size > this.maxBytes) {
          answer('INSTREAM size limit exceeded. ERROR');
          return;
        }
      }
    });
    socket.on('error', () => undefined);
  }
}
