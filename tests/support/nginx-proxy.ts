/**
 * nginx in front of several app servers, as a self-hosted deployment runs them:
 * it terminates TLS with a self-signed certificate made for the test (P-256,
 * localhost and 127.0.0.1), spreads requests round-robin over the instances,
 * moves idempotent requests on to the next instance when one is gone, and sets
 * X-Forwarded-For/Proto. Everything lives in a temporary prefix (config, pid,
 * logs, temp files); nginx runs in the foreground as a child of the test.
 *
 * Test-only extras: every answer carries `X-Upstream` (the instance's address),
 * and a request with `X-Route-To: <name>` goes to that instance alone.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { temporaryDir } from "@/tools/app-server";
import { freePort } from "@/tools/free-port";

export const NGINX = ["/usr/sbin/nginx", "nginx"].find((candidate) => spawnSync(candidate, ["-v"]).status === 0) ?? "/usr/sbin/nginx";

export interface Upstream {
  /** What `X-Route-To` names it by (letters only). */
  name: string;
  port: number;
}

function certificate(dir: string): { cert: string; key: string } {
  const cert = path.join(dir, "cert.pem");
  const key = path.join(dir, "key.pem");
  const result = spawnSync("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost",
    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
  ], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`openssl failed: ${result.stderr}`);
  return { cert, key };
}

function config(prefix: string, port: number, upstreams: Upstream[], tls: { cert: string; key: string }): string {
  const server = (upstream: Upstream) => `server 127.0.0.1:${upstream.port};`;
  // As root, the workers would otherwise switch to an unprivileged user that cannot enter the temporary prefix.
  const user = process.getuid?.() === 0 ? "user root;" : "";
  return `
${user}
worker_processes 1;
daemon off;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  # The app leaves compression to the proxy (docs/running.md).
  gzip on;
  gzip_types text/css application/javascript application/json text/x-component;
  client_body_temp_path ${prefix}/tmp/body;
  proxy_temp_path ${prefix}/tmp/proxy;
  fastcgi_temp_path ${prefix}/tmp/fastcgi;
  uwsgi_temp_path ${prefix}/tmp/uwsgi;
  scgi_temp_path ${prefix}/tmp/scgi;
  upstream all_instances { ${upstreams.map(server).join(" ")} }
  ${upstreams.map((upstream) => `upstream only_${upstream.name} { ${server(upstream)} }`).join("\n  ")}
  map $http_x_route_to $pool {
    default all_instances;
    ${upstreams.map((upstream) => `${upstream.name} only_${upstream.name};`).join("\n    ")}
  }
  server {
    listen 127.0.0.1:${port} ssl;
    server_name localhost;
    ssl_certificate ${tls.cert};
    ssl_certificate_key ${tls.key};
    location / {
      proxy_pass http://$pool;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      # The client address as nginx saw it, replacing whatever the client sent.
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $http_host;
      proxy_connect_timeout 1s;
      # Only idempotent requests move on (nginx's default keeps a POST that reached an instance from being sent twice).
      proxy_next_upstream error timeout http_502 http_503;
      proxy_next_upstream_tries 2;
      add_header X-Upstream $upstream_addr always;
    }
  }
}
`;
}

export class NginxProxy {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly prefix: string,
    readonly exited: Promise<number | null>,
  ) {}

  static async start(upstreams: Upstream[]): Promise<NginxProxy> {
    const prefix = temporaryDir("tessera-nginx-");
    mkdirSync(path.join(prefix, "tmp"), { recursive: true });
    const port = await freePort();
    const conf = path.join(prefix, "nginx.conf");
    writeFileSync(conf, config(prefix, port, upstreams, certificate(prefix)));
    const test = spawnSync(NGINX, ["-p", prefix, "-c", conf, "-t"], { encoding: "utf8" });
    if (test.status !== 0) {
      rmSync(prefix, { recursive: true, force: true });
      throw new Error(`nginx config refused (${NGINX}): ${test.error ?? test.stderr}`);
    }
    const child = spawn(NGINX, ["-p", prefix, "-c", conf], { stdio: "ignore" });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const proxy = new NginxProxy(child, port, prefix, exited);
    const deadline = Date.now() + 15_000;
    let exitCode: number | null | undefined;
    void exited.then((code) => (exitCode = code));
    while (Date.now() < deadline && exitCode === undefined) {
      if (await fetch(`${proxy.url}/api/health`).then(() => true, () => false)) return proxy;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await proxy.stop();
    throw new Error(`nginx did not start (${exitCode === undefined ? "timed out" : `exit ${exitCode}`}):\n${proxy.errorLog()}`);
  }

  get url(): string {
    return `https://localhost:${this.port}`;
  }

  errorLog(): string {
    try {
      return readFileSync(path.join(this.prefix, "error.log"), "utf8");
    } catch {
      return "";
    }
  }

  /** SIGQUIT (graceful stop), SIGKILL after 5 s; then the prefix is removed. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill("SIGQUIT");
      const timer = setTimeout(() => this.child.kill("SIGKILL"), 5_000);
      await this.exited;
      clearTimeout(timer);
    }
    rmSync(this.prefix, { recursive: true, force: true });
  }
}
