// A real OIDC provider for the tests: panva's oidc-provider with its development
// login and consent pages. tests/oidc_server.py starts it with, in the environment:
// PORT, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, and ACCOUNTS (JSON: sub -> claims).
import Provider from "oidc-provider";

const port = Number(process.env.PORT);
const accounts = JSON.parse(process.env.ACCOUNTS);

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [
    {
      client_id: process.env.CLIENT_ID,
      client_secret: process.env.CLIENT_SECRET,
      redirect_uris: [process.env.REDIRECT_URI],
      response_types: ["code"],
      grant_types: ["authorization_code"],
      token_endpoint_auth_method: "client_secret_post",
    },
  ],
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["preferred_username", "name", "given_name", "family_name", "groups", "employee_number"],
  },
  async findAccount(ctx, sub) {
    if (!accounts[sub]) return undefined;
    return { accountId: sub, claims: async () => ({ sub, ...accounts[sub] }) };
  },
  cookies: { keys: ["orgduties-test-only"] },
  features: { devInteractions: { enabled: true } },
});
provider.proxy = false;
provider.listen(port, "127.0.0.1", () => {
  console.log(`listening on ${port}`);
});
