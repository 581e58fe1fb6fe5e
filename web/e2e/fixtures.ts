// The real server for the browser tests: the sporbar binary on a fresh
// SQLite file with the demo data, listening on a free port, like the API
// tests of the Rust crate. Expected numbers come from asking that server's
// API, never from what the page itself computed.

import { test as base, expect, type Page } from '@playwright/test';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB = fileURLToPath(new URL('..', import.meta.url));
const REPO = resolve(WEB, '..');

/** SPORBAR_BIN, else target/debug/sporbar under CARGO_TARGET_DIR (or the repository's target/). */
export function serverBinary(): string {
  if (process.env.SPORBAR_BIN) return resolve(process.env.SPORBAR_BIN);
  const target = process.env.CARGO_TARGET_DIR;
  const dir = target ? (isAbsolute(target) ? target : resolve(REPO, target)) : join(REPO, 'target');
  return join(dir, 'debug', 'sporbar');
}

export interface GraphqlAnswer<T> {
  data: T;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
  extensions: { sporbar: { position: number; hash: string } };
}

export class Server {
  constructor(
    readonly url: string,
    readonly db: string,
    private readonly child: ChildProcess,
    private readonly dir: string,
  ) {}

  /** Asks the API like any client; throws on errors unless `allowErrors`. */
  async gql<T>(query: string, variables: Record<string, unknown> = {}, token?: string, allowErrors = false): Promise<GraphqlAnswer<T>> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const response = await fetch(`${this.url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    const body = (await response.json()) as GraphqlAnswer<T>;
    if (body.errors?.length && !allowErrors) throw new Error(`GraphQL error: ${JSON.stringify(body.errors)}`);
    return body;
  }

  /** Makes a token with the CLI: `sporbar token create`, which prints the secret alone. */
  createToken(role: 'reader' | 'editor' | 'auditor' | 'admin', organizations: string[] = [], name = `e2e ${role}`): string {
    const args = ['token', 'create', '--db', this.db, '--name', name, '--role', role];
    for (const org of organizations) args.push('--organization', org);
    return execFileSync(serverBinary(), args, {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', RUST_LOG: 'warn' },
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (this.child.exitCode === null) this.child.kill('SIGKILL');
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Starts `sporbar serve --demo` on a fresh database and waits (bounded) until it says where it listens. */
export async function startServer(options: { publicRead: boolean }): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), 'sporbar-e2e-'));
  const db = join(dir, 'sporbar.db');
  const args = ['serve', '--db', db, '--listen', '127.0.0.1:0', '--demo'];
  if (options.publicRead) args.push('--public-read');
  const child = spawn(serverBinary(), args, {
    env: { ...process.env, NO_COLOR: '1', RUST_LOG: process.env.RUST_LOG ?? 'info' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start within 30 s:\n${log}`)), 30_000);
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      log += chunk;
      // Strip colour codes before reading the address.
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(log.replace(/\x1b\[[0-9;]*m/g, ''));
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code}:\n${log}`));
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`could not start ${serverBinary()}: ${error.message} (build it with cargo build, or set SPORBAR_BIN)`));
    });
  });
  child.stderr!.resume();
  const server = new Server(url, db, child, dir);
  // The binary embeds web/dist when it is compiled: one built before the
  // page last changed would test an old page.
  const served = await fetch(`${url}/`).then((r) => r.text());
  if (served !== readFileSync(join(WEB, 'dist', 'index.html'), 'utf8')) {
    await server.stop();
    throw new Error(`${serverBinary()} does not serve this web/dist at / — build the page, then the binary (cargo build)`);
  }
  return server;
}

interface Fixtures {
  /** A reader's page: anonymous on the public server. */
  server: Server;
  /** Fails a test whose page threw, or broke the Content-Security-Policy. */
  pageHealth: void;
}

interface WorkerFixtures {
  publicServer: Server;
}

export const test = base.extend<Fixtures, WorkerFixtures>({
  publicServer: [
    async ({}, use) => {
      const server = await startServer({ publicRead: true });
      await use(server);
      await server.stop();
    },
    { scope: 'worker', timeout: 60_000 },
  ],
  server: async ({ publicServer }, use) => use(publicServer),
  pageHealth: [
    async ({ context }, use) => {
      const problems: string[] = [];
      context.on('page', (page) => {
        page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
        page.on('console', (message) => {
          if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(`CSP: ${message.text()}`);
        });
      });
      await use();
      expect(problems, 'errors on the page').toEqual([]);
    },
    { auto: true },
  ],
  baseURL: async ({ publicServer }, use) => use(publicServer.url),
});

export { expect };

/** Signs the page in by putting the token where the page keeps it, before the page loads. */
export async function signInWithToken(page: Page, token: string): Promise<void> {
  await page.addInitScript((t) => {
    // Also runs in about:blank, which has no storage.
    if (location.protocol.startsWith('http')) sessionStorage.setItem('sporbar.token', t);
  }, token);
}

// ---------------------------------------------------------------------------
// The demo data, found by name through the API.

export interface DemoStrategy {
  id: string;
  title: string;
  orgId: string;
  orgName: string;
}

export async function demoStrategies(server: Server): Promise<DemoStrategy[]> {
  const { data } = await server.gql<{ organizations: { nodes: { id: string; name: string; strategies: { id: string; title: string }[] }[] } }>(
    '{ organizations { nodes { id name strategies { id title } } } }',
  );
  return data.organizations.nodes.flatMap((org) =>
    org.strategies.map((s) => ({ id: s.id, title: s.title, orgId: org.id, orgName: org.name })),
  );
}

export async function demoStrategy(server: Server, org: string, titlePart: string): Promise<DemoStrategy> {
  const found = (await demoStrategies(server)).find((s) => s.orgName === org && s.title.includes(titlePart));
  if (!found) throw new Error(`no demo strategy '${titlePart}' of '${org}'`);
  return found;
}

export function overviewPath(s: DemoStrategy, query = ''): string {
  return `/#/o/${s.orgId}/s/${s.id}${query}`;
}

/** Waits until the page shows data computed at (at least) this log position. */
export async function expectPosition(page: Page, position: number): Promise<void> {
  await expect(page.locator('.site-footer .computed-at')).toHaveAttribute('data-position', String(position));
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
