import { ValidationError } from "@trustspec/runtime";
import { describe, expect, it } from "vitest";
import {
  authorizeUrl,
  authorizeWithCertificateUrl,
  createDssStsClient,
} from "../src/generated/sts/client.gen.js";

/** The authorize endpoints are opened by a browser: the client builds their URL, checked against the spec. */
describe("authorize URL builder", () => {
  const client = createDssStsClient({ baseUrl: "https://dss.example/STS" });

  it("carries the documented parameters, a transaction token id among them", () => {
    const url = authorizeUrl(client, {
      query: {
        client_id: "cryptopro.cloud.csp",
        response_type: "code",
        scope: "dss",
        redirect_uri: "urn:ietf:wg:oauth:2.0:oob:auto",
        resource: "https://dss.example/SignServer",
        dss_transaction_token_id: "a2ee7bd7-9a9f-4ab0-8f6b-8f3c5c5d6e7f",
      },
    });
    expect(url.origin + url.pathname).toBe("https://dss.example/STS/oauth/authorize");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: "cryptopro.cloud.csp",
      response_type: "code",
      scope: "dss",
      redirect_uri: "urn:ietf:wg:oauth:2.0:oob:auto",
      resource: "https://dss.example/SignServer",
      dss_transaction_token_id: "a2ee7bd7-9a9f-4ab0-8f6b-8f3c5c5d6e7f",
    });
    const cert = authorizeWithCertificateUrl(client, {
      query: {
        client_id: "op",
        response_type: "token",
        scope: "dss",
        redirect_uri: "https://app.example/cb",
      },
    });
    expect(cert.pathname).toBe("/STS/oauth/authorize/certificate");
  });

  it("refuses a response_type the spec does not know, and a missing client_id", () => {
    expect(() =>
      authorizeUrl(client, {
        query: {
          client_id: "x",
          response_type: "id_token" as "code",
          scope: "dss",
          redirect_uri: "https://a/b",
        },
      }),
    ).toThrow(ValidationError);
    expect(() =>
      authorizeUrl(client, {
        query: { response_type: "code", scope: "dss", redirect_uri: "https://a/b" } as never,
      }),
    ).toThrow(/client_id/);
  });
});
