/**
 * web-login.ts - logging in to the operator console or the merchant portal as a browser does,
 * over real HTTP: fetch the form (its CSRF token and cookie), post the secret, keep the session
 * cookie; then the pages and the APIs they call with that cookie and the page's CSRF token.
 */
export interface WebLogin {
  /** The session cookie as a Cookie header value ("telepay_console=..."). */
  readonly cookie: string
  /** The CSRF token of the session's pages (their meta element). */
  readonly csrfToken: string
  /** A request with the session cookie (and the CSRF token when `csrf` is not false). */
  call(
    method: string,
    path: string,
    options?: { body?: unknown; csrf?: boolean; headers?: Record<string, string> },
  ): Promise<Response>
}

/** The first value of a Set-Cookie named `name` among a response's cookies, or null. */
export function setCookieValue(response: Response, name: string): string | null {
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(';')
    const eq = pair?.indexOf('=') ?? -1
    if (pair !== undefined && eq > 0 && pair.slice(0, eq) === name) return pair.slice(eq + 1)
  }
  return null
}

/** The hidden _csrf field of a page's form. */
export function formCsrf(page: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(page)
  if (match?.[1] === undefined) throw new Error('the page has no CSRF field')
  return match[1]
}

/** Posts the log-in form of `base` (/console or /merchant) with a secret; the raw answer. */
export async function postLogin(
  url: string,
  base: string,
  secret: string,
  next = base,
): Promise<Response> {
  const form = await fetch(`${url}${base}/login`)
  const loginCookie = setCookieValue(form, 'telepay_login_csrf')
  const body = new URLSearchParams({ _csrf: formCsrf(await form.text()), next, secret })
  return fetch(`${url}${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: `telepay_login_csrf=${loginCookie ?? ''}`,
    },
    body: body.toString(),
  })
}

/** Logs in and returns the session; throws when the secret does not open one. */
export async function webLogin(url: string, base: string, secret: string): Promise<WebLogin> {
  const answer = await postLogin(url, base, secret)
  const name = base === '/console' ? 'telepay_console' : 'telepay_merchant'
  const value = setCookieValue(answer, name)
  if (answer.status !== 303 || value === null)
    throw new Error(`log-in to ${base} answered ${answer.status}`)
  const cookie = `${name}=${value}`
  const page = await (await fetch(`${url}${base}`, { headers: { cookie } })).text()
  const csrfToken = /<meta name="csrf-token" content="([^"]+)">/.exec(page)?.[1]
  if (csrfToken === undefined) throw new Error(`${base} has no CSRF token`)
  return {
    cookie,
    csrfToken,
    call: (method, path, options = {}) =>
      fetch(`${url}${path}`, {
        method,
        redirect: 'manual',
        headers: {
          cookie,
          ...(options.csrf === false ? {} : { 'x-csrf-token': csrfToken }),
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...options.headers,
        },
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      }),
  }
}
