import type { Action } from "../../src/http/mod.ts";
import { Layout, page } from "./layout.tsx";

const TITLES: Record<number, string> = {
  400: "This link's options are not valid",
  401: "You need to log in",
  403: "This link is not valid",
  404: "Page not found",
  410: "This is gone",
  413: "This file is too large",
  429: "Too many attempts",
  500: "Something went wrong",
  503: "Busy right now",
};

function wait(seconds: number) {
  return seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
}

/** What the action asks of a person, in words, with its link when it has one. */
function NextStep(props: { action: Action }) {
  const a = props.action;
  switch (a.type) {
    case "register":
    case "upgrade":
      return (
        <p>
          <a href={a.url}>{a.label}</a>
        </p>
      );
    case "contact":
      return (
        <p>
          <a href={a.url}>Contact us</a>
        </p>
      );
    case "wait":
      return <p>Try again in {wait(a.seconds)}.</p>;
    case "retry":
      return <p>Try again in {wait(a.seconds)}; reloading the page is enough.</p>;
    case "fix":
      return <p>{a.hint}</p>;
  }
}

/** The HTML form of an error envelope, for a person's browser; API clients get the JSON. */
export function errorPage(
  props: { status: number; message: string; action: Action; loggedIn: boolean },
): string {
  const title = TITLES[props.status] ?? "Something is wrong with this request";
  return page(
    <Layout title={title} loggedIn={props.loggedIn}>
      <h1>{title}</h1>
      <p class="error" role="alert">{props.message}</p>
      <NextStep action={props.action} />
      <p>
        <a href="/">Go to the upload page</a>
      </p>
    </Layout>,
  );
}
