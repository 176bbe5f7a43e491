// deno-lint-ignore-file jsx-key -- server-rendered hono/jsx has no reconciler; a key would be printed as an HTML attribute
import type { Config } from "../../src/config.ts";
import { limitLines } from "../docs/limits_text.ts";
import { ACTION_MEANING, ERROR_CATALOGUE } from "../../src/http/mod.ts";
import { toolSpecs } from "../mcp/tool_specs.ts";
import { visionLines } from "../docs/vision_text.ts";
import { Layout, page } from "./layout.tsx";

const HANDLER = `async function call(request, attempt = 0) {
  const res = await fetch(request.clone());
  if (res.ok || attempt >= 3) return res;
  const { error, message, action } = await res.clone().json();
  switch (action.type) {
    case "wait":
    case "retry": // same request, same Idempotency-Key: nothing is created twice
      await sleep(Number(res.headers.get("retry-after") ?? action.seconds) * 1000);
      return call(request, attempt + 1);
    case "register":
    case "upgrade":
    case "contact": // a person decides: show them the link, do not open it yourself
      return tellHuman(\`\${message} \${action.label ?? ""}: \${action.url}\`);
    case "fix": // retrying unchanged gives the same answer
      return fixRequest(error, action.field, action.hint);
  }
}`;

function mcpConfig(base: string) {
  return JSON.stringify(
    {
      mcpServers: {
        imgpro: { url: `${base}/mcp`, headers: { Authorization: "Bearer img_live_…" } },
      },
    },
    null,
    2,
  );
}

/**
 * Text from the shared tables (written for llms-full.txt, where `x` marks code) as HTML: the
 * backticked parts become <code>, the rest stays text.
 */
function Inline(props: { text: string }) {
  return (
    <>
      {props.text.split("`").map((part, i) => i % 2 === 1 ? <code>{part}</code> : part)}
    </>
  );
}

/** /api/ai-agents: how to build an agent on the API, with this server's URLs and numbers. */
export function AgentsGuide(props: { config: Config; loggedIn?: boolean }) {
  const base = props.config.publicUrl;
  return (
    <Layout title="Agents' guide" loggedIn={props.loggedIn}>
      <h1>Using imgpro from an agent</h1>
      <p>
        An agent can reach the service three ways: the <a href="/mcp">MCP</a>{" "}
        server, which hands it ready-made tools; the HTTP API described by{" "}
        <a href="/openapi.json">OpenAPI 3.1</a> (browse it at{" "}
        <a href="/api">/api</a>); or plain text for its context window:{" "}
        <a href="/llms.txt">llms.txt</a> and{" "}
        <a href="/llms-full.txt">llms-full.txt</a>. All of them are generated from the code that
        serves requests, so what they say is what the server does.
      </p>

      <h2>MCP setup</h2>
      <p>
        The endpoint is{" "}
        <code>{base}/mcp</code>, streamable HTTP, stateless (POST only, no session). Without a key
        the tools act anonymously; with one they act for its account. Most clients take a URL and
        headers:
      </p>
      <pre><code>{mcpConfig(base)}</code></pre>
      <p>The tools return the API's own JSON, and errors as the same envelope, marked isError:</p>
      <ul>
        {toolSpecs(props.config).map((t) => (
          <li>
            <code>{t.name}</code>: <Inline text={t.description} />
          </li>
        ))}
      </ul>

      <h2>The action contract</h2>
      <p>
        Every error is <code>{'{"error", "message", "action"}'}</code>. Branch on{" "}
        <code>action.type</code>, not on the message, which is written for people and may change:
      </p>
      <table>
        <tr>
          <th>action.type</th>
          <th>what the agent does</th>
        </tr>
        {Object.entries(ACTION_MEANING).map(([type, meaning]) => (
          <tr>
            <td>
              <code>{type}</code>
            </td>
            <td>
              <Inline text={meaning} />
            </td>
          </tr>
        ))}
      </table>
      <pre><code>{HANDLER}</code></pre>

      <h2>A person decides about accounts and money</h2>
      <p>
        <code>register</code> and <code>upgrade</code> carry a <code>url</code> and a{" "}
        <code>label</code>. Put them in front of the person you work for, as a link, with the
        message. Do not open or post to them yourself: registering takes their e-mail and password,
        and an upgrade link is signed for one account and one plan and changes what they pay.
        Anonymous image objects carry the same kind of <code>upgrade</code>{" "}
        offer; mention it once, not on every upload.
      </p>

      <h2>Waiting and retrying</h2>
      <p>
        <code>wait</code> (429 rate_limited) and <code>retry</code>{" "}
        (503 overloaded, 500, some import failures) come with <code>seconds</code> and a{" "}
        <code>Retry-After</code>{" "}
        header. Sleep that long, then send the same request; give up after a few attempts. Over MCP
        the same numbers are in <code>_meta.retry_after</code>. Never retry a <code>fix</code>{" "}
        unchanged.
      </p>

      <h2>Background removal and face crop</h2>
      {visionLines(base).map((line) => <p key={line}>{line}</p>)}

      <h2>Idempotency keys</h2>
      <p>
        Give every upload or import a fresh <code>Idempotency-Key</code> header (MCP: the{" "}
        <code>idempotency_key</code>{" "}
        argument) and keep it for its retries. If the first attempt did land, the retry gets the
        same image back with <code>Idempotent-Replayed: true</code>{" "}
        instead of a second copy. Reusing a key for a different request is refused.
      </p>

      <h2>Limits on this server</h2>
      <ul>
        {limitLines(props.config).map((line) => (
          <li>
            <Inline text={line} />
          </li>
        ))}
      </ul>

      <h2>Error codes</h2>
      <table>
        <tr>
          <th>code</th>
          <th>status</th>
          <th>action</th>
        </tr>
        {ERROR_CATALOGUE.map((e) => (
          <tr>
            <td>
              <code>{e.code}</code>
            </td>
            <td>{e.status}</td>
            <td>{e.actions.join(" / ")}</td>
          </tr>
        ))}
      </table>
    </Layout>
  );
}

export const agentsGuide = (config: Config, loggedIn = false) =>
  page(<AgentsGuide config={config} loggedIn={loggedIn} />);
