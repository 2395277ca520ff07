import { type AddressInfo, createServer } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** One message the fake server accepted: the SMTP envelope and the parsed message. */
export interface ReceivedMail {
  from: string;
  to: string[];
  mail: ParsedMail;
}

export interface FakeSmtp {
  port: number;
  received: ReceivedMail[];
  /** Stops listening: the port then refuses connections, like a server that is down. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface FakeSmtpOptions {
  /** Require AUTH with these credentials (offered without TLS, as relays on a private network do). */
  auth?: { user: string; password: string };
  /** Recipients matching this are refused with 550, as a server refuses an unknown mailbox. */
  rejectRecipients?: RegExp;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A real SMTP server (the `smtp-server` package) on 127.0.0.1 that keeps what it receives, parsed with
 * `mailparser`: the tests check the wire result (recipients, headers, both bodies) rather than our own rows.
 * It offers no STARTTLS, so a client that requires TLS fails against it.
 */
export async function startFakeSmtp(options: FakeSmtpOptions = {}): Promise<FakeSmtp> {
  const port = await freePort();
  const received: ReceivedMail[] = [];
  let server: SMTPServer | null = null;

  const make = () =>
    new SMTPServer({
      logger: false,
      secure: false,
      disabledCommands: options.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
      authOptional: !options.auth,
      allowInsecureAuth: true,
      onAuth(auth, _session, callback) {
        if (auth.username === options.auth?.user && auth.password === options.auth?.password) {
          return callback(null, { user: auth.username });
        }
        return callback(new Error('Invalid username or password'));
      },
      onRcptTo(address, _session, callback) {
        if (options.rejectRecipients?.test(address.address)) {
          const error = new Error(`5.1.1 <${address.address}>: Recipient address rejected: User unknown`);
          (error as Error & { responseCode: number }).responseCode = 550;
          return callback(error);
        }
        return callback();
      },
      onData(stream, session, callback) {
        simpleParser(stream)
          .then((mail) => {
            const envelope = session.envelope;
            received.push({
              from: envelope.mailFrom ? envelope.mailFrom.address : '',
              to: envelope.rcptTo.map((r) => r.address),
              mail,
            });
            callback();
          })
          .catch((error: Error) => callback(error));
      },
    });

  const start = async () => {
    const next = make();
    await new Promise<void>((resolve, reject) => {
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => resolve());
    });
    next.on('error', () => undefined);
    server = next;
  };
  const stop = async () => {
    const current = server;
    server = null;
    if (current) await new Promise<void>((resolve) => current.close(() => resolve()));
  };
  await start();
  return { port, received, start, stop, close: stop };
}
