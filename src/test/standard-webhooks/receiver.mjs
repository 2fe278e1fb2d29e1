// A webhook receiver for the tests: records every request it gets and verifies each with the Standard Webhooks
// reference library (npm standardwebhooks), never with Scriptorium's own signer. Driven by WebhookReceiver.java.
// Usage: node receiver.mjs   (prints "listening PORT" once ready; runs until its stdin closes)
//
// Paths (the test picks the path as the webhook URL):
//   /ok/NAME                 200 at once
//   /fail/N/NAME             500 to the first N requests to that exact path, then 200
//   /status/CODE/NAME        always CODE
//   /hang/NAME               never answers; the connection stays open until the sender gives up
//   /redirect/NAME?to=URL    302 with Location: URL
//   anything else            404 (recorded like the rest)
// Control (not recorded):
//   GET  /_control/deliveries?secret=whsec_...&path_prefix=/ok/   the records, oldest first, as a JSON array
//   POST /_control/reset                                          forgets the records and the /fail/ counts
import http from "node:http";
import {Webhook} from "standardwebhooks";

const records = [];
const failCounts = new Map();

function header(request, name) {
  const value = request.headers[name];
  return value === undefined ? null : value;
}

function answer(record, response, status, headers = {}) {
  record.answered = status;
  record.answeredAtMillis = Date.now();
  response.writeHead(status, {"content-type": "text/plain; charset=utf-8", ...headers});
  response.end(status >= 200 && status < 300 ? "ok\n" : `status ${status}\n`);
}

function receive(request, response, url, body, receivedAtMillis) {
  const record = {
    method: request.method,
    path: url.pathname,
    target: request.url,
    id: header(request, "webhook-id"),
    timestamp: header(request, "webhook-timestamp"),
    signature: header(request, "webhook-signature"),
    headers: request.headers,
    body: body.toString("utf8"),
    receivedAtMillis,
    answered: null,
    answeredAtMillis: null,
    clientClosedAtMillis: null,
  };
  records.push(record);
  response.on("close", () => {
    if (record.answered === null) {
      record.clientClosedAtMillis = Date.now();
    }
  });
  const parts = url.pathname.split("/");  // ["", kind, ...]
  switch (parts[1]) {
    case "ok":
      return answer(record, response, 200);
    case "fail": {
      const n = Number.parseInt(parts[2], 10);
      const seen = (failCounts.get(url.pathname) ?? 0) + 1;
      failCounts.set(url.pathname, seen);
      return answer(record, response, Number.isNaN(n) || seen > n ? 200 : 500);
    }
    case "status": {
      const code = Number.parseInt(parts[2], 10);
      return answer(record, response, code >= 100 && code <= 999 ? code : 400);
    }
    case "hang":
      return;  // Neither writeHead nor end: the sender waits until its own timeout.
    case "redirect": {
      const to = url.searchParams.get("to");
      return to ? answer(record, response, 302, {location: to}) : answer(record, response, 400);
    }
    default:
      return answer(record, response, 404);
  }
}

function verify(secret, record) {
  const headers = {
    "webhook-id": record.id ?? undefined,
    "webhook-timestamp": record.timestamp ?? undefined,
    "webhook-signature": record.signature ?? undefined,
  };
  try {
    new Webhook(secret).verify(record.body, headers);
    return {verified: true, verifyError: null};
  } catch (error) {
    return {verified: false, verifyError: String(error?.message ?? error)};
  }
}

function parsed(body) {
  try {
    return JSON.parse(body);
  } catch {
    return null;
  }
}

function control(request, response, url) {
  const json = (status, value) => {
    response.writeHead(status, {"content-type": "application/json"});
    response.end(JSON.stringify(value));
  };
  if (request.method === "GET" && url.pathname === "/_control/deliveries") {
    const secret = url.searchParams.get("secret");
    const prefix = url.searchParams.get("path_prefix") ?? "";
    try {
      new Webhook(secret);
    } catch (error) {
      return json(400, {error: `unusable secret: ${error.message}`});
    }
    return json(200, records.filter(record => record.path.startsWith(prefix))
        .map(record => ({...record, ...verify(secret, record), payload: parsed(record.body)})));
  }
  if (request.method === "POST" && url.pathname === "/_control/reset") {
    records.length = 0;
    failCounts.clear();
    return json(200, {reset: true});
  }
  return json(404, {error: `no control ${request.method} ${url.pathname}`});
}

// No server timeout may cut a /hang/ request short: the sender's own timeout is what the tests look at.
const server = http.createServer({requestTimeout: 0, headersTimeout: 0, keepAliveTimeout: 0}, (request, response) => {
  const receivedAtMillis = Date.now();
  const chunks = [];
  request.on("data", chunk => chunks.push(chunk));
  request.on("end", () => {
    const url = new URL(request.url, "http://127.0.0.1");
    if (url.pathname.startsWith("/_control/")) {
      control(request, response, url);
    } else {
      receive(request, response, url, Buffer.concat(chunks), receivedAtMillis);
    }
  });
});
server.requestTimeout = 0;
server.headersTimeout = 0;
server.keepAliveTimeout = 0;
server.timeout = 0;

server.listen(0, "127.0.0.1", () => {
  console.log(`listening ${server.address().port}`);
});

// Dies with the test that started it.
process.stdin.on("end", () => process.exit(0));
process.stdin.on("close", () => process.exit(0));
process.stdin.resume();
