// The web console tests' OpenID provider: node oidc-provider (OpenID-certified) with its
// development interactions (any login and password sign in; the login is the account id), on
// loopback. Started by tests/web/provider.py as `node serve.mjs INSTALL_FOLDER`, with:
//   PORT            the port on 127.0.0.1
//   OIDC_CLIENT     {"client_id", "client_secret", "redirect_uris"}: the console as a client
//   OIDC_ACCOUNTS   {"login": {"sub", "email", "email_verified", "name"}}: what each login's
//                   claims say; a login not listed gets a subject and nothing else
// It prints "listening <issuer>" once it accepts connections.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const folder = process.argv[2]; // where tests/web/install.py installed the packages
const lib = join(folder, 'node_modules', 'oidc-provider', 'lib', 'index.js');
const { default: Provider } = await import(pathToFileURL(lib).href);

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const client = JSON.parse(process.env.OIDC_CLIENT);
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS || '{}');

const provider = new Provider(issuer, {
  clients: [{
    ...client,
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  features: { devInteractions: { enabled: true } },
  pkce: { required: () => true },
  cookies: { keys: ['tocsin-test-provider-cookie-key'] },
  async findAccount(ctx, id) {
    const known = accounts[id] || {};
    return {
      accountId: id,
      async claims() {
        return { sub: known.sub || id, ...known };
      },
    };
  },
});

provider.listen(port, '127.0.0.1', () => {
  console.log(`listening ${issuer}`);
});
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
