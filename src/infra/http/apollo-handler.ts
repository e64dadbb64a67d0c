// The one way into Apollo: hands an HTTP request (its body already parsed) to executeHTTPGraphQLRequest and writes
// the answer. The front (graphql-front.ts) calls it directly for a JSON POST it has read, which every query and
// mutation is; express calls it for the rest of /graphql (GET, other content types), after parsing the body itself.
import type { IncomingMessage, ServerResponse } from "node:http";
import { type ApolloServer, type BaseContext, HeaderMap, type HTTPGraphQLResponse } from "@apollo/server";

/** Answers a GraphQL request whose body (undefined for GET) is parsed; rejects only when the client went away. */
export type GraphqlHandler = (request: IncomingMessage, response: ServerResponse, body: unknown) => Promise<void>;

/** `contextOf` is Apollo's context function: it may throw a GraphQLError (with extensions.http) to refuse. */
export function apolloHandler<Context extends BaseContext>(
  apollo: ApolloServer<Context>,
  contextOf: (request: IncomingMessage, body: unknown) => Promise<Context>,
): GraphqlHandler {
  apollo.assertStarted("apolloHandler()");
  return async (request, response, body) => {
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    }
    const answer = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: (request.method ?? "GET").toUpperCase(), headers, search: searchOf(request.url), body },
      context: () => contextOf(request, body),
    });
    await send(response, answer);
  };
}

/** The query string of a request target, with its "?"; "" when there is none. */
export function searchOf(url = ""): string {
  const start = url.indexOf("?");
  return start === -1 ? "" : url.slice(start);
}

async function send(response: ServerResponse, answer: HTTPGraphQLResponse): Promise<void> {
  response.statusCode = answer.status ?? 200;
  for (const [name, value] of answer.headers) response.setHeader(name, value);
  if (answer.body.kind === "complete") {
    // One write: headers and body together, with the content-length node computes from it.
    response.end(answer.body.string);
    return;
  }
  for await (const chunk of answer.body.asyncIterator) response.write(chunk);
  response.end();
}
