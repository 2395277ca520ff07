import { connect, type Socket } from 'node:net';
import type { Readable } from 'node:stream';
import type { Config } from '../../config.ts';

/** clamd's default StreamMaxLength chunking is free; 64 KiB keeps each write small. */
const CHUNK = 64 * 1024;

export type ScanResult = { infected: false } | { infected: true; signature: string };

function reply(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => {
      parts.push(chunk);
      if (chunk.includes(0)) socket.end();
    });
    let failure: Error | null = null;
    socket.once('error', (error) => {
      failure = error;
    });
    // What clamd said before a reset still counts (it answers, then closes, when it stops reading early).
    socket.once('close', () => {
      const text = Buffer.concat(parts)
        .toString('utf8')
        .replace(/\0[\s\S]*$/, '')
        .trim();
      if (text || !failure) resolve(text);
      else reject(failure);
    });
  });
}

async function write(socket: Socket, bytes: Buffer): Promise<void> {
  if (socket.destroyed) throw new Error('clamd closed the connection');
  if (!socket.write(bytes)) {
    await new Promise<void>((resolve, reject) => {
      socket.once('drain', resolve);
      socket.once('close', () => reject(new Error('clamd closed the connection')));
    });
  }
}

/**
 * Scans a stream with clamd's INSTREAM command: `zINSTREAM\0`, then chunks each led by its length as a 4-byte
 * big-endian number, then a zero length; clamd answers `stream: OK` or `stream: <signature> FOUND`. Anything else
 * (a size limit, an error, a timeout) throws: the caller refuses the file rather than keep it unscanned.
 */
export async function scanWithClamd(clamd: NonNullable<Config['clamd']>, body: Readable): Promise<ScanResult> {
  const socket = connect({ host: clamd.host, port: clamd.port });
  socket.setTimeout(clamd.timeoutMs, () => socket.destroy(new Error(`clamd did not answer in ${clamd.timeoutMs} ms`)));
  const answer = reply(socket);
  answer.catch(() => undefined);
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    await write(socket, Buffer.from('zINSTREAM\0', 'latin1'));
    for await (const chunk of body as AsyncIterable<Buffer>) {
      for (let at = 0; at < chunk.length; at += CHUNK) {
        const slice = chunk.subarray(at, at + CHUNK);
        const length = Buffer.alloc(4);
        length.writeUInt32BE(slice.length);
        await write(socket, Buffer.concat([length, slice]));
      }
    }
    await write(socket, Buffer.alloc(4));
  } catch (error) {
    // clamd may stop reading and answer early (e.g. "INSTREAM size limit exceeded"): prefer its words.
    body.destroy();
    socket.destroy();
    const said = await answer.catch(() => '');
    throw new Error(said ? `clamd: ${said}` : `clamd: ${(error as Error).message}`);
  }
  const text = await answer;
  if (text === 'stream: OK') return { infected: false };
  const found = /^stream: (.+) FOUND$/.exec(text);
  if (found?.[1]) return { infected: true, signature: found[1] };
  throw new Error(`clamd: ${text || 'no answer'}`);
}
