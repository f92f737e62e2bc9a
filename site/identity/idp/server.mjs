// Check-in-like OpenID Connect provider for local tests (oidc-provider 9, HTTPS, in-memory).
// Usage: node server.mjs CONFIG.json   (written by site/identity/up.sh)
// Test-only admin endpoints under /__test/ (loopback only): see handleTest().
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { createRequire } from 'node:module';

const cfgFile = process.argv[2];
if (!cfgFile) { console.error('usage: node server.mjs CONFIG.json'); process.exit(2); }
const cfg = JSON.parse(fs.readFileSync(cfgFile, 'utf8'));

// oidc-provider lives in the project's node_modules; resolve it from the project root.
const require = createRequire(path.join(cfg.projectDir, 'package.json'));
const { default: Provider, errors } = await import(require.resolve('oidc-provider'));

const ISSUER = cfg.issuer;                      // e.g. https://127.0.0.1:8443/auth/realms/egi
const MOUNT = new URL(ISSUER).pathname.replace(/\/$/, ''); // '' or '/auth/realms/egi'
const RESOURCE = cfg.resource;                   // audience of JWT access tokens (Keystone)
const SCOPES = ['openid', 'email', 'profile', 'eduperson_entitlement', 'offline_access'];
const RS_SCOPE = 'openid email profile eduperson_entitlement';
const USER = cfg.user;                           // { sub, email, name, eduperson_entitlement: [] }

// Signing key persisted in the state dir so Keystone's cached JWKS stays valid across restarts.
function signingJwks() {
  if (fs.existsSync(cfg.jwksFile)) return JSON.parse(fs.readFileSync(cfg.jwksFile, 'utf8'));
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: crypto.randomBytes(8).toString('hex'), use: 'sig', alg: 'RS256' };
  const jwks = { keys: [jwk] };
  fs.writeFileSync(cfg.jwksFile, JSON.stringify(jwks), { mode: 0o600 });
  return jwks;
}

const account = (sub) => ({
  accountId: sub,
  async claims() {
    return {
      sub,
      email: USER.email,
      email_verified: true,
      name: USER.name,
      preferred_username: USER.preferred_username,
      eduperson_entitlement: USER.eduperson_entitlement,
    };
  },
});

const code = { grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], redirect_uris: ['http://127.0.0.1/callback'] };
const clients = [
  { client_id: cfg.clients.basic.id, client_secret: cfg.clients.basic.secret, token_endpoint_auth_method: 'client_secret_basic', ...code },
  { client_id: cfg.clients.post.id, client_secret: cfg.clients.post.secret, token_endpoint_auth_method: 'client_secret_post', ...code },
  { client_id: cfg.clients.public.id, token_endpoint_auth_method: 'none', ...code },
  { client_id: cfg.clients.service.id, client_secret: cfg.clients.service.secret, token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'], response_types: [], redirect_uris: [] },
];
const isServiceClient = (client) => client?.clientId === cfg.clients.service.id;

const provider = new Provider(ISSUER, {
  clients,
  jwks: signingJwks(),
  cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
  scopes: SCOPES,
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'preferred_username'],
    eduperson_entitlement: ['eduperson_entitlement'],
  },
  findAccount: async (_ctx, sub) => (sub === USER.sub ? account(sub) : undefined),
  features: {
    devInteractions: { enabled: true },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    revocation: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: async (_ctx, _client, oneOf) => oneOf ?? RESOURCE,
      useGrantedResource: async () => true,
      getResourceServerInfo: async (_ctx, resource) => {
        if (resource !== RESOURCE) throw new errors.InvalidTarget();
        return { scope: RS_SCOPE, audience: RESOURCE, accessTokenFormat: 'jwt', accessTokenTTL: cfg.accessTokenTtl };
      },
    },
  },
  extraTokenClaims: async (_ctx, token) => {
    if (token.kind !== 'AccessToken' && token.kind !== 'ClientCredentials') return undefined;
    return { email: USER.email, eduperson_entitlement: USER.eduperson_entitlement };
  },
  // Public clients rotate (oidc-provider's default); confidential clients keep their refresh token.
  rotateRefreshToken: (ctx) => ctx.oidc.entities.Client?.clientAuthMethod === 'none',
  issueRefreshToken: async (_ctx, client, code) => client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
  routes: {
    authorization: '/protocol/openid-connect/auth',
    token: '/protocol/openid-connect/token',
    jwks: '/protocol/openid-connect/certs',
    userinfo: '/protocol/openid-connect/userinfo',
    introspection: '/protocol/openid-connect/token/introspect',
    revocation: '/protocol/openid-connect/revoke',
    end_session: '/protocol/openid-connect/logout',
  },
  ttl: {
    AccessToken: cfg.accessTokenTtl,
    ClientCredentials: cfg.accessTokenTtl,
    IdToken: 3600,
    RefreshToken: 30 * 24 * 3600,
    Grant: 30 * 24 * 3600,
    Session: 3600,
    Interaction: 600,
    AuthorizationCode: 60,
  },
  renderError: async (ctx, out) => { ctx.type = 'json'; ctx.body = out; },
});
provider.on('server_error', (_ctx, err) => console.error('server_error', err));

// ---- request accounting -------------------------------------------------------------------
let stats = { since: new Date().toISOString(), paths: {} };
const NAMED = {
  token: `${MOUNT}/protocol/openid-connect/token`,
  discovery: `${MOUNT}/.well-known/openid-configuration`,
  jwks: `${MOUNT}/protocol/openid-connect/certs`,
  userinfo: `${MOUNT}/protocol/openid-connect/userinfo`,
  introspection: `${MOUNT}/protocol/openid-connect/token/introspect`,
};
function statsView() {
  const named = Object.fromEntries(Object.entries(NAMED).map(([k, p]) => [k, stats.paths[p] ?? 0]));
  return { since: stats.since, ...named, paths: stats.paths };
}

// ---- test-only admin API ----------------------------------------------------------------
async function readJson(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const raw = Buffer.concat(chunks).toString('utf8');
  return raw ? JSON.parse(raw) : {};
}
function send(res, status, body, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

// ---- test-only fault injection ----------------------------------------------------------
// POST /__test/faults {path, status?, delayMs?, reset?, retryAfter?, count?, match?, method?} -> {id}
//   path     "token" | "/token" | "discovery" | "jwks" | "userinfo" | "introspection", or a full path
//   status   answer this HTTP status instead of handling the request (JSON body, like oidc-provider)
//   delayMs  wait this long first; without status/reset the request is then handled as usual (a
//            slow IdP that still processes the request the client gave up on)
//   reset    destroy the connection (after delayMs, if any) instead of answering
//   retryAfter  Retry-After header (seconds) sent with status
//   count    applied to the next `count` matching requests (default: every one until deleted);
//            0 only counts the matching requests
//   match    form fields a token request must carry, e.g. {refresh_token} or {client_id}, so a
//            test's fault does not hit other tests sharing this IdP
// GET /__test/faults: the faults with `hits` (matching requests seen) and `applied`.
// DELETE /__test/faults: remove all; DELETE /__test/faults/<id>: remove one.
// Faulted requests are counted in /__test/stats like any other.
let faults = [];
let nextFaultId = 1;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function faultPath(p) {
  const name = String(p ?? '').replace(/^\//, '');
  if (Object.hasOwn(NAMED, name)) return NAMED[name];
  if (!String(p ?? '').startsWith('/')) throw new RangeError(`fault path ${JSON.stringify(p)}: use token, discovery, jwks, userinfo, introspection or a path`);
  return p;
}

function addFault(body) {
  const f = { id: String(nextFaultId++), path: faultPath(body.path), method: body.method ? String(body.method).toUpperCase() : undefined, hits: 0, applied: 0 };
  if (body.status !== undefined) {
    if (!Number.isInteger(body.status) || body.status < 200 || body.status > 599) throw new RangeError('status must be an HTTP status');
    f.status = body.status;
  }
  if (body.delayMs !== undefined) {
    if (!Number.isInteger(body.delayMs) || body.delayMs < 0 || body.delayMs > 120_000) throw new RangeError('delayMs must be 0..120000');
    f.delayMs = body.delayMs;
  }
  if (body.reset) f.reset = true;
  if (body.retryAfter !== undefined) f.retryAfter = String(body.retryAfter);
  if (body.count !== undefined && body.count !== null) {
    if (!Number.isInteger(body.count) || body.count < 0) throw new RangeError('count must be a whole number');
    f.count = body.count;
  }
  if (body.match !== undefined) {
    if (typeof body.match !== 'object' || !body.match) throw new RangeError('match must be an object of form fields');
    f.match = Object.fromEntries(Object.entries(body.match).map(([k, v]) => [k, String(v)]));
  }
  if (f.status === undefined && f.delayMs === undefined && !f.reset && f.count !== 0) throw new RangeError('a fault needs status, delayMs or reset (or count 0 to only count)');
  faults.push(f);
  return f;
}

/** Counts the request against every fault it matches; returns the first one still to apply. */
function takeFault(pathname, method, form) {
  let chosen;
  for (const f of faults) {
    if (f.path !== pathname || (f.method && f.method !== method)) continue;
    if (f.match && !(form && Object.entries(f.match).every(([k, v]) => form.get(k) === v))) continue;
    f.hits++;
    if (!chosen && (f.count === undefined || f.applied < f.count)) {
      f.applied++;
      chosen = f;
    }
  }
  return chosen;
}

/** True when the fault answered (or dropped) the request; false: handle it as usual. */
async function applyFault(f, req, res) {
  if (f.delayMs) await sleep(f.delayMs);
  if (f.reset) { req.socket.destroy(); return true; }
  if (f.status !== undefined) {
    const headers = f.retryAfter !== undefined ? { 'retry-after': f.retryAfter } : {};
    const error = f.status === 429 ? 'slow_down' : f.status === 500 ? 'server_error' : f.status > 500 ? 'temporarily_unavailable' : 'invalid_request';
    send(res, f.status, { error, error_description: `fault ${f.id} injected by a test` }, headers);
    return true;
  }
  return false;
}

async function mintRefreshToken({ client_id: clientId, scope }) {
  const client = await provider.Client.find(String(clientId ?? ''));
  if (!client) return [400, { error: 'unknown client_id' }];
  if (!client.grantTypeAllowed('refresh_token')) return [400, { error: 'client has no refresh_token grant' }];
  const wanted = (scope ?? SCOPES.join(' ')).split(' ').filter(Boolean);
  const bad = wanted.filter((s) => !SCOPES.includes(s));
  if (bad.length) return [400, { error: `unknown scope ${bad.join(' ')}` }];
  if (!wanted.includes('openid')) wanted.unshift('openid');
  if (!wanted.includes('offline_access')) wanted.push('offline_access');
  const scopeStr = wanted.join(' ');
  const grant = new provider.Grant({ accountId: USER.sub, clientId: client.clientId });
  grant.addOIDCScope(scopeStr);
  grant.addResourceScope(RESOURCE, wanted.filter((s) => RS_SCOPE.split(' ').includes(s)).join(' '));
  const grantId = await grant.save();
  const rt = new provider.RefreshToken({
    accountId: USER.sub, client, grantId, scope: scopeStr, resource: RESOURCE,
    gty: 'authorization_code', authTime: Math.floor(Date.now() / 1000),
  });
  const refreshToken = await rt.save();
  return [200, { refresh_token: refreshToken, client_id: client.clientId, scope: scopeStr, sub: USER.sub }];
}

async function revokeRefreshToken({ refresh_token: value, grant }) {
  const rt = await provider.RefreshToken.find(String(value ?? ''), { ignoreExpiration: true });
  if (!rt) return [404, { error: 'refresh token not found' }];
  await rt.destroy();
  if (grant) { const g = await provider.Grant.find(rt.grantId); if (g) await g.destroy(); }
  return [200, { revoked: true }];
}

async function handleTest(req, res, pathname) {
  const remote = req.socket.remoteAddress;
  if (!['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(remote)) return send(res, 403, { error: 'loopback only' });
  try {
    const route = `${req.method} ${pathname}`;
    if (route === 'GET /__test/health') return send(res, 200, { ok: true, issuer: ISSUER, pid: process.pid });
    if (route === 'GET /__test/stats') return send(res, 200, statsView());
    if (route === 'POST /__test/stats/reset') { stats = { since: new Date().toISOString(), paths: {} }; return send(res, 200, statsView()); }
    if (route === 'POST /__test/refresh-token') return send(res, ...(await mintRefreshToken(await readJson(req))));
    if (route === 'POST /__test/revoke') return send(res, ...(await revokeRefreshToken(await readJson(req))));
    if (route === 'POST /__test/faults') return send(res, 200, addFault(await readJson(req)));
    if (route === 'GET /__test/faults') return send(res, 200, { faults });
    if (route === 'DELETE /__test/faults') { const removed = faults.length; faults = []; return send(res, 200, { removed }); }
    if (req.method === 'DELETE' && pathname.startsWith('/__test/faults/')) {
      const id = pathname.slice('/__test/faults/'.length);
      const before = faults.length;
      faults = faults.filter((f) => f.id !== id);
      return send(res, 200, { removed: before - faults.length });
    }
    return send(res, 404, { error: `no test route ${route}` });
  } catch (err) {
    const badRequest = err instanceof SyntaxError || err instanceof RangeError;
    if (!badRequest) console.error('test api error', err);
    return send(res, badRequest ? 400 : 500, { error: String(err.message ?? err) });
  }
}

// ---- HTTPS server -------------------------------------------------------------------------
const callback = provider.callback();
const server = https.createServer({ key: fs.readFileSync(cfg.keyFile), cert: fs.readFileSync(cfg.certFile) }, async (req, res) => {
  const pathname = new URL(req.url, 'https://x').pathname;
  if (pathname.startsWith('/__test/')) return handleTest(req, res, pathname);
  stats.paths[pathname] = (stats.paths[pathname] ?? 0) + 1;
  if (MOUNT && !(pathname === MOUNT || pathname.startsWith(`${MOUNT}/`))) return send(res, 404, { error: 'not found' });
  if (MOUNT) { req.originalUrl = req.url; req.url = req.url.slice(MOUNT.length) || '/'; }
  const tokenRequest = req.method === 'POST' && pathname === NAMED.token;
  if (faults.length) {
    let form;
    if (tokenRequest) {
      try {
        req.body = await readBody(req);
        form = new URLSearchParams(req.body);
      } catch (err) {
        return send(res, 400, { error: 'invalid_request', error_description: String(err.message ?? err) });
      }
    }
    const fault = takeFault(pathname, req.method, form);
    if (fault && (await applyFault(fault, req, res))) return undefined;
  }
  if (tokenRequest) return strictTokenRequest(req, res);
  return callback(req, res);
});

async function readBody(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}

// oidc-provider accepts client_secret_basic and client_secret_post interchangeably; Check-in-like
// strictness makes a client library's choice of method testable. The body is read here and handed
// over as req.body (oidc-provider falls back to it when the stream is already consumed).
async function strictTokenRequest(req, res) {
  try {
    if (req.body === undefined) req.body = await readBody(req);
    const form = new URLSearchParams(req.body);
    const auth = req.headers.authorization ?? '';
    let clientId = form.get('client_id');
    if (/^basic /i.test(auth)) {
      const dec = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8');
      clientId = decodeURIComponent(dec.slice(0, Math.max(dec.indexOf(':'), 0)).replace(/\+/g, ' '));
    }
    const method = clients.find((c) => c.client_id === clientId)?.token_endpoint_auth_method;
    const wrong = (method === 'client_secret_basic' && form.has('client_secret'))
      || (method === 'client_secret_post' && /^basic /i.test(auth));
    if (wrong) {
      return send(res, 401, { error: 'invalid_client', error_description: `client authentication method must be ${method}` });
    }
  } catch (err) {
    return send(res, 400, { error: 'invalid_request', error_description: String(err.message ?? err) });
  }
  return callback(req, res);
}
server.listen(cfg.port, '127.0.0.1', () => console.log(`idp listening ${ISSUER} pid ${process.pid}`));
const stop = () => { server.close(() => process.exit(0)); server.closeAllConnections(); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
