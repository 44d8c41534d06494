/**
 * step-schemas.ts - what every step kind of SPEC section 10 takes, as data: its argument keys,
 * the type of each value, which keys are required, which exclude each other, and which of an
 * expectation's keys are the checks it makes (an expect step must make at least one). One
 * validator (validate.ts) reads this table; the step handlers only run scripts that passed it.
 * Exports ValueType, KeySchema, KeyGroup, StepSchema, stepSchemas, scriptKeys.
 */

/**
 * A value a key takes. Every string type refuses a number: YAML reads 00 as 0 and 25.50 as 25.5.
 */
export type ValueType =
  | { readonly type: 'string' }
  /** A string the runner checks against `pattern` before sending it (phone keys). */
  | { readonly type: 'pattern'; readonly pattern: RegExp; readonly describe: string }
  /** A regular expression, compiled at validation with the leading inline flags `(?i)`. */
  | { readonly type: 'regex' }
  | { readonly type: 'enum'; readonly values: readonly string[] }
  /** An amount as telepay shows it: digits, a point and two decimals ("475.00"), quoted. */
  | { readonly type: 'money' }
  | {
      readonly type: 'number'
      readonly min: number
      readonly max: number
      readonly integer: boolean
    }
  | { readonly type: 'boolean' }
  /** A map whose values are strings (form fields, saved variables). */
  | { readonly type: 'string_map' }
  /** Any YAML value (a JSON body to send, a JSON subset to expect). */
  | { readonly type: 'any' }
  /** The steps of a payment's trail as expect_trail lists them (trail-expectation.ts). */
  | { readonly type: 'trail_steps' }

export interface KeySchema {
  readonly value: ValueType
  readonly required?: true
  /** The value may be a PIN: a problem with it never quotes it. */
  readonly secret?: true
}

/** Keys of which a step takes at least `min` and at most `max`. */
export interface KeyGroup {
  readonly keys: readonly string[]
  readonly min: 0 | 1
  readonly max: 1 | null
  /** Said when fewer than `min` are given ("checks nothing" for an expectation). */
  readonly missing: string
}

export interface StepSchema {
  /**
   * `map`: a map of the keys below (an empty map or nothing at all when none is required);
   * `literal`: one fixed word.
   */
  readonly args: { readonly form: 'map' } | { readonly form: 'literal'; readonly word: string }
  readonly keys: Readonly<Record<string, KeySchema>>
  readonly groups?: readonly KeyGroup[]
  /** Keys that need another key: `path` needs `method`. */
  readonly needs?: Readonly<Record<string, string>>
}

const string: KeySchema = { value: { type: 'string' } }
const requiredString: KeySchema = { value: { type: 'string' }, required: true }
const regex: KeySchema = { value: { type: 'regex' } }
const httpStatus: KeySchema = { value: { type: 'number', min: 100, max: 599, integer: true } }

/** `contains` (a plain substring) and `matches` (a regular expression): at most one of them. */
const textKeys = { contains: string, matches: regex } as const
const oneText: KeyGroup = { keys: ['contains', 'matches'], min: 0, max: 1, missing: '' }

/** An expectation must make at least one of its checks. */
function checksOneOf(keys: readonly string[]): KeyGroup {
  return { keys, min: 1, max: null, missing: `checks nothing: give ${keys.join(' or ')}` }
}

/** An expectation whose only checks are its text keys must have one of them. */
function checksText(extra: readonly string[] = []): KeyGroup {
  return checksOneOf(['contains', 'matches', ...extra])
}

const noArgs: StepSchema = { args: { form: 'map' }, keys: {} }

export const stepSchemas: Readonly<Record<string, StepSchema>> = {
  // The merchant API and the core (http-steps.ts).
  merchant: {
    args: { form: 'map' },
    keys: {
      as: requiredString,
      post: string,
      get: string,
      method: { value: { type: 'enum', values: ['POST', 'GET'] } },
      path: string,
      // Any JSON: a script may send a list or a string to see the API refuse it.
      body: { value: { type: 'any' } },
      idempotency_key: string,
    },
    groups: [
      {
        keys: ['post', 'get', 'path'],
        min: 1,
        max: 1,
        missing: 'give post: PATH or get: PATH (or method and path)',
      },
    ],
    needs: { path: 'method', method: 'path' },
  },
  expect_http: {
    args: { form: 'map' },
    keys: {
      status: httpStatus,
      json: { value: { type: 'any' } },
      save: { value: { type: 'string_map' } },
    },
    groups: [checksOneOf(['status', 'json'])],
  },
  expect_balance: {
    args: { form: 'map' },
    keys: {
      msisdn: requiredString,
      account: {
        value: { type: 'enum', values: ['wallet', 'phone_bill', 'bank'] },
        required: true,
      },
      equals: { value: { type: 'money' }, required: true },
    },
  },
  expect_ledger: { args: { form: 'literal', word: 'balanced' }, keys: {} },
  advance_clock: {
    args: { form: 'map' },
    keys: {
      seconds: {
        value: { type: 'number', min: 0, max: Number.MAX_SAFE_INTEGER, integer: false },
        required: true,
      },
    },
  },
  // The trail of a payment (trail-steps.ts).
  expect_trail: {
    args: { form: 'map' },
    keys: {
      payment: string,
      steps: { value: { type: 'trail_steps' } },
      complete: { value: { type: 'boolean' } },
    },
    groups: [checksOneOf(['steps', 'complete'])],
  },
  // SMS (sms-steps.ts).
  sms: {
    args: { form: 'map' },
    keys: {
      from: requiredString,
      text: { value: { type: 'string' }, required: true, secret: true },
      to: string,
    },
  },
  expect_sms: {
    args: { form: 'map' },
    keys: { to: requiredString, ...textKeys },
    groups: [oneText],
  },
  // USSD (ussd-steps.ts).
  ussd: {
    args: { form: 'map' },
    keys: {
      from: requiredString,
      dial: string,
      input: { value: { type: 'string' }, secret: true },
    },
    groups: [
      {
        keys: ['dial', 'input'],
        min: 1,
        max: 1,
        missing: 'give dial (open a session) or input (type into the open one)',
      },
    ],
  },
  expect_ussd: {
    args: { form: 'map' },
    keys: {
      type: { value: { type: 'enum', values: ['CON', 'END'] }, required: true },
      ...textKeys,
      from: string,
    },
    groups: [oneText],
  },
  // IVR (ivr-steps.ts).
  call: { args: { form: 'map' }, keys: { from: requiredString, to: string } },
  dtmf: {
    args: { form: 'map' },
    keys: {
      digits: {
        value: {
          type: 'pattern',
          pattern: /^[0-9*#]+$/,
          describe: 'keys of a phone: 0-9, * and #',
        },
        required: true,
        secret: true,
      },
    },
  },
  silence: noArgs,
  hangup: noArgs,
  expect_prompt: { args: { form: 'map' }, keys: { ...textKeys }, groups: [oneText, checksText()] },
  // The call having ended is the check; `outcome` narrows it.
  expect_ended: { args: { form: 'map' }, keys: { outcome: string } },
  // WAP (wap-steps.ts).
  wap_get: {
    args: { form: 'map' },
    keys: {
      path: requiredString,
      as: { value: { type: 'enum', values: ['wml', 'xhtml', 'chtml'] } },
      msisdn: string,
      from: string,
    },
  },
  wap_follow: { args: { form: 'map' }, keys: { link: requiredString } },
  wap_submit: {
    args: { form: 'map' },
    keys: {
      fields: { value: { type: 'string_map' }, secret: true },
      token: string,
      again: { value: { type: 'boolean' } },
    },
  },
  expect_page: {
    args: { form: 'map' },
    keys: { ...textKeys, content_type: string, status: httpStatus },
    groups: [oneText, checksText(['content_type', 'status'])],
  },
  // On-site payment (onsite-steps.ts): the simulator's RFID-SIMs and terminals.
  tap: {
    args: { form: 'map' },
    keys: {
      msisdn: requiredString,
      terminal: requiredString,
      amount: { value: { type: 'money' } },
      tear: { value: { type: 'string' } },
    },
  },
  upload: {
    args: { form: 'map' },
    keys: {
      terminal: requiredString,
      again: { value: { type: 'boolean' } },
      forge: { value: { type: 'boolean' } },
    },
  },
  ticket_office: {
    args: { form: 'map' },
    keys: { msisdn: requiredString, amount: { value: { type: 'money' }, required: true } },
  },
  blacklist: {
    args: { form: 'map' },
    keys: { msisdn: requiredString, listed: { value: { type: 'boolean' } } },
  },
  expect_card: {
    args: { form: 'map' },
    keys: { msisdn: requiredString, balance: { value: { type: 'money' }, required: true } },
  },
  // Online shop terminals (pos-steps.ts): the ISO 8583 host.
  pos: {
    args: { form: 'map' },
    keys: {
      terminal: requiredString,
      mti: {
        value: { type: 'pattern', pattern: /^0[1-8][02]0$/, describe: 'a request MTI, e.g. 0200' },
        required: true,
      },
      fields: { value: { type: 'string_map' } },
      msisdn: { value: { type: 'string' } },
      pin: { value: { type: 'string' }, secret: true },
    },
  },
  expect_pos: {
    args: { form: 'map' },
    keys: { field39: requiredString, fields: { value: { type: 'string_map' } } },
  },
}

/**
 * The keys of a script itself. `operating_model` names the model the gateway must run (SPEC
 * section 12): the fresh gateway starts with it, a target must already run it.
 */
export const scriptKeys: readonly string[] = ['name', 'operating_model', 'steps']
