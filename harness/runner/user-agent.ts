import { parse, type HTMLElement } from "node-html-parser";
import { CookieJar } from "tough-cookie";

/*
 * A headless browser user for CI: it reads the sign-in, consent and device-code pages a person would see,
 * fills the fields by their labels, presses the buttons by their text, follows redirects and submits the
 * auto-posting form_post page. It has no back door into the sandbox: only the HTML and HTTP.
 */

/** What the person does when a page asks them something. */
export interface Person {
  username?: string;
  password?: string;
  /** On a consent prompt: press Accept (default) or Cancel, or stop there to read it. */
  consent?: "accept" | "decline" | "stop";
  /** On "Need admin approval": stop there (default) or take "Return to the application…". */
  adminApproval?: "stop" | "return";
  /** On the device "Are you trying to sign in?" page: Continue (default) or Cancel. */
  deviceConfirmation?: "continue" | "cancel";
}

/** Where a walk ended. */
export type Outcome =
  /** The identity provider redirected to the app (query/fragment response modes); nothing was fetched there. */
  | { kind: "redirect"; url: string; params: URLSearchParams }
  /** The form_post page was submitted to the app's redirect URI, which answered `status`. */
  | { kind: "form_post"; url: string; status: number; fields: URLSearchParams }
  /** A page that asks nothing more (error page, admin approval, "you may close this window"). */
  | { kind: "page"; url: string; status: number; title: string; text: string; aadsts: number | undefined };

const MAX_STEPS = 20;

function textOf(el: HTMLElement): string {
  return el.textContent.replace(/\s+/g, " ").trim();
}

function labelFor(doc: HTMLElement, input: HTMLElement): string {
  const id = input.getAttribute("id");
  const label = id ? doc.querySelector(`label[for="${id}"]`) : null;
  return label ? textOf(label) : (input.getAttribute("aria-label") ?? "");
}

export class HeadlessUser {
  readonly #jar = new CookieJar();

  constructor(readonly person: Person = {}) {}

  async #fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    const cookie = await this.#jar.getCookieString(url);
    if (cookie) headers.set("cookie", cookie);
    const response = await fetch(url, { ...init, headers, redirect: "manual" });
    for (const setCookie of response.headers.getSetCookie()) {
      await this.#jar.setCookie(setCookie, url, { ignoreError: true });
    }
    return response;
  }

  /**
   * Opens `url` (an authorize, adminconsent or device login URL) and acts like the person until the
   * identity provider hands control back to the app or shows a page that asks nothing more.
   */
  async navigate(url: string, deviceCode?: string): Promise<Outcome> {
    const idpOrigin = new URL(url).origin;
    let response = await this.#fetch(url);
    let current = url;
    for (let step = 0; step < MAX_STEPS; step++) {
      const location = response.headers.get("location");
      if (response.status >= 300 && response.status < 400 && location) {
        const next = new URL(location, current);
        if (next.origin !== idpOrigin) {
          const params = new URLSearchParams(next.hash ? next.hash.slice(1) : next.search);
          return { kind: "redirect", url: next.toString(), params };
        }
        current = next.toString();
        response = await this.#fetch(current);
        continue;
      }
      const body = await response.text();
      const doc = parse(body);
      const action = this.#decide(doc, deviceCode);
      if (!action) {
        const text = textOf(doc.querySelector("main") ?? doc);
        const code = /AADSTS(\d+)/.exec(text)?.[1];
        return {
          kind: "page",
          url: current,
          status: response.status,
          title: textOf(doc.querySelector("h1") ?? doc.querySelector("title") ?? doc),
          text,
          aadsts: code ? Number(code) : undefined,
        };
      }
      if (action.kind === "link") {
        current = new URL(action.href, current).toString();
        if (new URL(current).origin !== idpOrigin) {
          const next = new URL(current);
          return {
            kind: "redirect",
            url: current,
            params: new URLSearchParams(next.hash ? next.hash.slice(1) : next.search),
          };
        }
        response = await this.#fetch(current);
        continue;
      }
      const target = new URL(action.action, current).toString();
      const posted = await this.#fetch(target, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: action.fields.toString(),
      });
      if (new URL(target).origin !== idpOrigin) {
        await posted.arrayBuffer();
        return { kind: "form_post", url: target, status: posted.status, fields: action.fields };
      }
      current = target;
      response = posted;
    }
    throw new Error(`The sign-in did not finish within ${MAX_STEPS} pages (last: ${current})`);
  }

  /** Chooses what a person does on this page: fill and submit a form, follow a link, or nothing. */
  #decide(
    doc: HTMLElement,
    deviceCode: string | undefined,
  ): { kind: "form"; action: string; fields: URLSearchParams } | { kind: "link"; href: string } | undefined {
    const title = textOf(doc.querySelector("h1") ?? doc);
    if (/need admin approval/i.test(title)) {
      if (this.person.adminApproval !== "return") return undefined;
      const link = doc.querySelectorAll("a").find((a) => /return to the application/i.test(textOf(a)));
      return link ? { kind: "link", href: link.getAttribute("href") ?? "" } : undefined;
    }
    if (/permissions requested/i.test(title) && this.person.consent === "stop") return undefined;
    // A page that reports an error (wrong password, unknown code): the person has nothing new to type.
    if (doc.querySelector('[role="alert"]')) return undefined;
    const form = doc.querySelector("form");
    if (!form) return undefined;
    const fields = new URLSearchParams();
    const autoSubmit = /forms\[0\]\.submit\(\)/.test(doc.querySelector("body")?.getAttribute("onload") ?? "");
    for (const input of form.querySelectorAll("input")) {
      const name = input.getAttribute("name");
      if (!name) continue;
      const type = (input.getAttribute("type") ?? "text").toLowerCase();
      const label = labelFor(doc, input);
      if (type === "hidden") fields.append(name, input.getAttribute("value") ?? "");
      else if (type === "password") fields.append(name, this.person.password ?? "");
      else if (/email|phone|user/i.test(label))
        fields.append(name, this.person.username ?? input.getAttribute("value") ?? "");
      else if (/code/i.test(label)) {
        if (deviceCode === undefined) return undefined;
        fields.append(name, deviceCode);
      } else if (type === "checkbox" && input.hasAttribute("checked"))
        fields.append(name, input.getAttribute("value") ?? "on");
    }
    const buttons = form.querySelectorAll("button");
    const wanted = this.#buttonChoice(title);
    const button =
      buttons.find((b) => wanted.test(textOf(b))) ??
      (buttons.length === 1 || autoSubmit ? buttons[0] : undefined);
    if (!button && !autoSubmit) return undefined;
    const buttonName = button?.getAttribute("name");
    if (button && buttonName) fields.append(buttonName, button.getAttribute("value") ?? "");
    return { kind: "form", action: form.getAttribute("action") ?? "", fields };
  }

  #buttonChoice(title: string): RegExp {
    if (/permissions requested/i.test(title))
      return this.person.consent === "decline" ? /^cancel$/i : /^accept$/i;
    if (/are you trying to sign in/i.test(title)) {
      return this.person.deviceConfirmation === "cancel" ? /^cancel$/i : /^continue$/i;
    }
    return /^(sign in|next|continue|yes)$/i;
  }
}
