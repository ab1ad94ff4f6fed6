/**
 * Debian's nginx as an authenticating proxy in front of the local registry (Apicurio enforces auth
 * only with Keycloak): basic auth on one port, a bearer token on another. Runs in the foreground
 * as a child of the test (no daemon, no master process), with its config, pid, logs and temp files
 * in a folder of its own; `stop()` ends exactly that process.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface AuthProxy {
  basicUrl: string;
  bearerUrl: string;
  dir: string;
  logFiles: string[];
  stop(): Promise<void>;
}

export interface AuthProxyOptions {
  dir: string;
  upstreamPort: number;
  basicPort: number;
  bearerPort: number;
  username: string;
  password: string;
  token: string;
  /** Path appended to the proxy URLs, e.g. `/apis/ccompat/v7`. */
  apiPath: string;
}

const TEMPLATE = join(__dirname, 'nginx.conf.template');

function findNginx(): string {
  for (const candidate of ['/usr/sbin/nginx', '/usr/bin/nginx']) if (existsSync(candidate)) return candidate;
  throw new Error(
    'nginx is not installed: the security scenario puts it in front of the registry (apt-get install -y nginx-light)',
  );
}

export async function startAuthProxy(options: AuthProxyOptions): Promise<AuthProxy> {
  const nginx = findNginx();
  const { dir } = options;
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  // the password goes to openssl on stdin, never on a command line
  const hash = execFileSync('openssl', ['passwd', '-apr1', '-stdin'], {
    input: `${options.password}\n`,
    encoding: 'utf8',
  }).trim();
  writeFileSync(join(dir, 'htpasswd'), `${options.username}:${hash}\n`, { mode: 0o600 });
  const config = readFileSync(TEMPLATE, 'utf8')
    .replaceAll('{{DIR}}', dir)
    .replaceAll('{{UPSTREAM_PORT}}', String(options.upstreamPort))
    .replaceAll('{{BASIC_PORT}}', String(options.basicPort))
    .replaceAll('{{BEARER_PORT}}', String(options.bearerPort))
    .replaceAll('{{TOKEN}}', options.token);
  writeFileSync(join(dir, 'nginx.conf'), config, { mode: 0o600 });
  const child: ChildProcess = spawn(
    nginx,
    ['-p', `${dir}/`, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const basicUrl = `http://127.0.0.1:${options.basicPort}${options.apiPath}`;
  const bearerUrl = `http://127.0.0.1:${options.bearerPort}${options.apiPath}`;
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) break;
    const up = await Promise.all(
      [basicUrl, bearerUrl].map((url) =>
        fetch(`${url}/subjects`, { signal: AbortSignal.timeout(1_000) }).then(
          (r) => r.status === 401,
          () => false,
        ),
      ),
    );
    if (up.every(Boolean)) {
      return { basicUrl, bearerUrl, dir, logFiles: [join(dir, 'error.log'), join(dir, 'access.log')], stop };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  const log = existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : '';
  throw new Error(`nginx did not start on ports ${options.basicPort}/${options.bearerPort}:\n${stderr}${log}`);
}
