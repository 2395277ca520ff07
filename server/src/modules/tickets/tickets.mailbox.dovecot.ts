import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';

/**
 * A real IMAP server for the mailbox tests: Debian's dovecot (`apt-get install dovecot-imapd`) started in the
 * foreground in a temporary directory with its own configuration: 127.0.0.1 on a free port, plain-text login
 * allowed, users in a passwd file, maildirs in the directory. As root, its processes run as the package's own
 * `dovecot`/`dovenull` users; otherwise as the current user.
 */

const BINARY = ['/usr/sbin/dovecot', '/usr/local/sbin/dovecot'].find((path) => existsSync(path)) ?? null;

export const dovecotInstalled = (): boolean => BINARY !== null;

export interface Dovecot {
  port: number;
  /** Puts a message into the user's INBOX (IMAP APPEND); answers its UID. */
  append(user: string, raw: string | Buffer): Promise<number>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function listening(port: number, child: ChildProcess, log: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`dovecot exited (${child.exitCode}); see ${log}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`dovecot did not listen on ${port}; see ${log}`);
}

const idOf = (flag: '-u' | '-g', user: string) => Number(execFileSync('id', [flag, user], { encoding: 'utf8' }).trim());

export async function startDovecot(users: Record<string, string>): Promise<Dovecot> {
  if (!BINARY) throw new Error('dovecot is not installed (apt-get install dovecot-imapd)');
  const dir = mkdtempSync(join(tmpdir(), 'iperform-dovecot-'));
  chmodSync(dir, 0o755);
  for (const sub of ['run', 'state', 'mail', 'home']) mkdirSync(join(dir, sub));
  const root = process.getuid?.() === 0;
  const me = userInfo();
  const internal = root ? 'dovecot' : me.username;
  const login = root ? 'dovenull' : me.username;
  const uid = root ? idOf('-u', 'dovecot') : me.uid;
  const gid = root ? idOf('-g', 'dovecot') : me.gid;
  const group = root ? 'dovecot' : execFileSync('id', ['-gn'], { encoding: 'utf8' }).trim();
  if (root) {
    chownSync(join(dir, 'mail'), uid, gid);
    chownSync(join(dir, 'home'), uid, gid);
  }
  const port = await freePort();
  const passwd = join(dir, 'users');
  writeFileSync(
    passwd,
    Object.entries(users)
      .map(([user, password]) => `${user}:{PLAIN}${password}\n`)
      .join(''),
  );
  const log = join(dir, 'dovecot.log');
  writeFileSync(
    join(dir, 'dovecot.conf'),
    `base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${log}
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
default_internal_user = ${internal}
default_internal_group = ${group}
default_login_user = ${login}
first_valid_uid = ${uid}
mail_location = maildir:${dir}/mail/%u
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${passwd}
}
userdb {
  driver = static
  args = uid=${uid} gid=${gid} home=${dir}/home/%u
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
`,
  );
  const child = spawn(BINARY, ['-F', '-c', join(dir, 'dovecot.conf')], { stdio: 'ignore' });
  await listening(port, child, log);

  const connect = async (user: string) => {
    const password = users[user];
    if (password === undefined) throw new Error(`no dovecot user ${user}`);
    const client = new ImapFlow({
      host: '127.0.0.1',
      port,
      secure: false,
      doSTARTTLS: false,
      auth: { user, pass: password },
      logger: false,
    });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  };

  return {
    port,
    async append(user, raw) {
      const client = await connect(user);
      try {
        const result = await client.append('INBOX', raw);
        if (!result || result.uid === undefined) throw new Error('APPEND returned no UID');
        return result.uid;
      } finally {
        await client.logout();
      }
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
