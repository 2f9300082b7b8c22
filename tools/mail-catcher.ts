/**
 * A local mail catcher: an SMTP server on loopback that accepts every mail and
 * keeps the last ones in memory, and a small web inbox to read them. It is the
 * development inbox `npm run dev` starts when SMTP_URL is unset, and the real
 * SMTP server `npm test` points the app at, whose mail the tests read through
 * `GET /messages.json` (tests/support/mailbox.ts). It never relays anything.
 *
 * HTTP: `GET /` the inbox, newest first; `GET /messages/<id>` one mail, its text
 * with clickable links and its HTML in a sandboxed frame; `GET /messages.json`,
 * or `GET /messages.json?to=<address>` for the mails delivered to one address
 * (in any letter case: what a test waiting for its mail asks, several times a
 * second, instead of the whole inbox); `DELETE /messages` empties the inbox.
 *
 * Holding mail, for tests that must show an answer does not wait for its mail:
 * `PUT /holds/<address>` makes the SMTP server keep a sender waiting at RCPT TO
 * for that address (in any case); `GET /holds/<address>` answers
 * `{"waiting":n}`, the senders it keeps waiting; `DELETE /holds/<address>` lets
 * them go on and ends the hold.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Server as NetServer } from "node:net";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

/** One caught mail, as `GET /messages.json` lists it. */
export interface CaughtMail {
  id: string;
  /** The From header as written, e.g. `Tessera <no-reply@example.com>`; the envelope sender if there is none. */
  from: string;
  /** The envelope recipients: every address the mail was delivered to, Bcc included. */
  to: string[];
  subject: string;
  text: string;
  /** The HTML part, or "" when the mail has none. */
  html: string;
  /** When the catcher received it (ISO 8601). */
  date: string;
}

export interface MailCatcherOptions {
  /** 0 (default) picks a free port. */
  smtpPort?: number;
  /** 0 (default) picks a free port. */
  httpPort?: number;
  /** Loopback by default: nothing but this machine can reach the catcher. */
  host?: string;
  /** Larger mails are refused with 552 (1 MiB by default). */
  maxMessageBytes?: number;
  /** How many mails are kept; older ones are dropped (200 by default). */
  keep?: number;
}

export interface MailCatcher {
  smtpPort: number;
  httpPort: number;
  /** What to set SMTP_URL to: `smtp://<host>:<smtpPort>`. */
  smtpUrl: string;
  /** The inbox page: `http://<host>:<httpPort>`. */
  inboxUrl: string;
  /** The caught mails, newest first. */
  messages(): CaughtMail[];
  close(): Promise<void>;
}

/** Mail from the app is small; a megabyte is generous and keeps a runaway sender from filling memory. */
const MAX_MESSAGE_BYTES = 1024 * 1024;
const KEEP = 200;

export async function startMailCatcher(options: MailCatcherOptions = {}): Promise<MailCatcher> {
  const { smtpPort = 0, httpPort = 0, host = "127.0.0.1", maxMessageBytes = MAX_MESSAGE_BYTES, keep = KEEP } = options;
  const inbox: CaughtMail[] = [];
  let nextId = 1;
  const holds: Holds = new Map();

  const smtp = new SMTPServer({
    name: "tessera-mail-catcher",
    banner: "Tessera mail catcher: every mail stays here",
    authOptional: true,
    disabledCommands: ["AUTH", "STARTTLS"],
    size: maxMessageBytes,
    logger: false,
    // Clients that stay connected must not hold up close() for long.
    closeTimeout: 1_000,
    onRcptTo(address, _session, callback) {
      const waiting = holds.get(address.address.toLowerCase());
      if (waiting) waiting.push(() => callback());
      else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => {
        if (!stream.sizeExceeded) chunks.push(chunk);
      });
      stream.on("end", () => {
        if (stream.sizeExceeded) {
          callback(Object.assign(new Error(`Message exceeds the catcher's limit of ${maxMessageBytes} bytes`), { responseCode: 552 }));
          return;
        }
        simpleParser(Buffer.concat(chunks)).then(
          (parsed) => {
            const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : "";
            inbox.unshift({
              id: String(nextId++),
              from: parsed.from?.text || envelopeFrom,
              to: session.envelope.rcptTo.map((recipient) => recipient.address),
              subject: parsed.subject ?? "",
              text: parsed.text ?? "",
              html: typeof parsed.html === "string" ? parsed.html : "",
              date: new Date().toISOString(),
            });
            inbox.splice(keep);
            callback();
          },
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
        );
      });
    },
  });

  // A client that drops its connection must not stop the catcher; a failed listen rejects in listen() below.
  smtp.on("error", () => undefined);

  const http = createServer((req, res) => respond(req, res, inbox, holds));

  const closeAll = async (): Promise<void> => {
    for (const address of holds.keys()) release(holds, address);
    http.closeAllConnections();
    await Promise.all([new Promise<void>((resolve) => smtp.close(() => resolve())), new Promise<void>((resolve) => http.close(() => resolve()))]);
  };
  try {
    const boundSmtp = await listen(smtp.server, smtpPort, host);
    const boundHttp = await listen(http, httpPort, host);
    const urlHost = host.includes(":") ? `[${host}]` : host;
    return {
      smtpPort: boundSmtp,
      httpPort: boundHttp,
      smtpUrl: `smtp://${urlHost}:${boundSmtp}`,
      inboxUrl: `http://${urlHost}:${boundHttp}`,
      messages: () => inbox.map((mail) => ({ ...mail, to: [...mail.to] })),
      close: closeAll,
    };
  } catch (error) {
    await closeAll().catch(() => undefined);
    throw error;
  }
}

/** Listens and returns the bound port; rejects (e.g. EADDRINUSE) when it cannot. */
function listen(server: Server | NetServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const failed = (error: Error) => reject(error);
    server.once("error", failed);
    server.listen(port, host, () => {
      server.off("error", failed);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

// --- HTTP ------------------------------------------------------------------------

/** No scripts, nothing loaded from elsewhere: a mail's HTML is shown, never run. */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

/** Held addresses (lower case), each with the RCPT TO replies it keeps back. */
type Holds = Map<string, (() => void)[]>;

/** Lets the senders waiting for `address` go on, and ends its hold. */
function release(holds: Holds, address: string): void {
  const waiting = holds.get(address) ?? [];
  holds.delete(address);
  for (const goOn of waiting) goOn();
}

function respond(req: IncomingMessage, res: ServerResponse, inbox: CaughtMail[], holds: Holds): void {
  const { pathname: path, searchParams } = new URL(req.url ?? "/", "http://catcher");
  const method = req.method ?? "GET";
  if (path === "/messages" && method === "DELETE") {
    inbox.length = 0;
    res.writeHead(204).end();
    return;
  }
  const held = /^\/holds\/([^/]+)$/.exec(path)?.[1];
  if (held !== undefined) {
    const address = decoded(held)?.toLowerCase();
    if (address === undefined) {
      res.writeHead(400).end();
    } else if (method === "PUT") {
      if (!holds.has(address)) holds.set(address, []);
      res.writeHead(204).end();
    } else if (method === "DELETE") {
      release(holds, address);
      res.writeHead(204).end();
    } else if (method === "GET") {
      res.writeHead(200, { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" }).end(JSON.stringify({ waiting: holds.get(address)?.length ?? 0 }));
    } else {
      res.writeHead(405, { Allow: "GET, PUT, DELETE" }).end();
    }
    return;
  }
  if (method !== "GET" && method !== "HEAD") {
    res.writeHead(405, { Allow: "GET, HEAD" }).end();
    return;
  }
  if (path === "/messages.json") {
    const to = searchParams.get("to")?.toLowerCase();
    const mails = to === undefined ? inbox : inbox.filter((mail) => mail.to.some((recipient) => recipient.toLowerCase() === to));
    res.writeHead(200, { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" }).end(JSON.stringify(mails));
    return;
  }
  if (path === "/") {
    page(res, 200, "Inbox", inboxBody(inbox));
    return;
  }
  const id = /^\/messages\/([^/]+)$/.exec(path)?.[1];
  const mail = id === undefined ? undefined : inbox.find((candidate) => candidate.id === id);
  if (mail) {
    page(res, 200, mail.subject || "(no subject)", messageBody(mail));
    return;
  }
  page(res, 404, "Not found", `<p>No such mail (the inbox keeps the last ones only). <a href="/">Inbox</a></p>`);
}

function decoded(component: string): string | undefined {
  try {
    return decodeURIComponent(component);
  } catch {
    return undefined;
  }
}

function page(res: ServerResponse, status: number, title: string, body: string): void {
  res
    .writeHead(status, {
      "Content-Type": "text/html; charset=utf-8",
      "Content-Security-Policy": CSP,
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "no-referrer",
      "Cache-Control": "no-store",
    })
    .end(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · Tessera mail</title>` +
        `<style>body{font:15px/1.4 system-ui,sans-serif;margin:2rem;max-width:60rem}table{border-collapse:collapse;width:100%}` +
        `th,td{text-align:left;padding:.3rem .6rem;border-bottom:1px solid #ddd;vertical-align:top}pre{white-space:pre-wrap;word-break:break-word}` +
        `iframe{width:100%;height:30rem;border:1px solid #ddd}</style></head><body>${body}</body></html>`,
    );
}

function inboxBody(inbox: CaughtMail[]): string {
  const rows = inbox
    .map(
      (mail) =>
        `<tr><td>${escapeHtml(mail.from)}</td><td>${escapeHtml(mail.to.join(", "))}</td>` +
        `<td><a href="/messages/${encodeURIComponent(mail.id)}">${escapeHtml(mail.subject || "(no subject)")}</a></td>` +
        `<td><time datetime="${escapeHtml(mail.date)}">${escapeHtml(mail.date)}</time></td></tr>`,
    )
    .join("");
  return (
    `<h1>Inbox</h1><p>Every mail the app sends in development lands here; nothing leaves this machine. Newest first; reload for new mail.</p>` +
    (inbox.length === 0 ? `<p>No mail yet.</p>` : `<table><thead><tr><th>From</th><th>To</th><th>Subject</th><th>Received</th></tr></thead><tbody>${rows}</tbody></table>`)
  );
}

function messageBody(mail: CaughtMail): string {
  return (
    `<p><a href="/">← Inbox</a></p><h1>${escapeHtml(mail.subject || "(no subject)")}</h1>` +
    `<table><tr><th>From</th><td>${escapeHtml(mail.from)}</td></tr><tr><th>To</th><td>${escapeHtml(mail.to.join(", "))}</td></tr>` +
    `<tr><th>Received</th><td>${escapeHtml(mail.date)}</td></tr></table>` +
    `<h2>Text</h2><pre>${linkify(mail.text)}</pre>` +
    // An empty sandbox: the mail's HTML gets a unique origin, no scripts, no forms, no navigation of this page.
    (mail.html ? `<h2>HTML</h2><iframe sandbox="" title="The mail's HTML part" srcdoc="${escapeHtml(mail.html)}"></iframe>` : "")
  );
}

const URL_PATTERN = /https?:\/\/[^\s<>"']+/g;

/** Escaped text in which every http(s) URL is a link (trailing punctuation stays outside it). */
export function linkify(text: string): string {
  let html = "";
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const url = match[0].replace(/[.,;:!?)\]]+$/, "");
    html += escapeHtml(text.slice(last, match.index)) + `<a href="${escapeHtml(url)}" rel="noreferrer">${escapeHtml(url)}</a>`;
    last = match.index + url.length;
  }
  return html + escapeHtml(text.slice(last));
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
