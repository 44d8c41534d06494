/**
 * wire.js - fetch as the apps use it: every request and its answer goes to the developer drawer
 * (an `http` wire event), with what was sent shown as the caller says (`shown`: the body with a
 * PIN masked) and never as typed. Answers are read as text, at most answerCharsShownMax of them
 * in the drawer.
 */
import { emit } from './bus.js'

/** What the drawer keeps of an answer: a USSD page is 182 characters, a WAP deck about 1,400. */
const answerCharsShownMax = 4000

export async function wireFetch(phone, channel, url, options = {}) {
  const method = options.method ?? 'GET'
  const started = performance.now()
  const entry = {
    kind: 'http',
    channel,
    phone: phone.msisdn,
    method,
    url,
    request: options.shown ?? (typeof options.body === 'string' ? options.body : ''),
  }
  let response
  try {
    response = await fetch(url, {
      method,
      headers: options.headers ?? {},
      body: options.body,
    })
  } catch (error) {
    emit('wire', { ...entry, status: 0, answer: String(error), ms: 0 })
    throw error
  }
  const text = await response.text()
  emit('wire', {
    ...entry,
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    answer: text.slice(0, answerCharsShownMax),
    ms: Math.round(performance.now() - started),
  })
  return { status: response.status, headers: response.headers, text, url: response.url }
}

/** A JSON request: the body as JSON, the answer parsed (null when it is not JSON). */
export async function wireJson(phone, channel, url, method, body, shown) {
  const answer = await wireFetch(phone, channel, url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    shown: shown === undefined ? undefined : JSON.stringify(shown),
  })
  let json = null
  try {
    json = JSON.parse(answer.text)
  } catch {
    json = null
  }
  return { status: answer.status, json, headers: answer.headers }
}
