/**
 * session-rules.ts - which PDU may travel which way in which bind state (SMPP 3.4 section 2.3),
 * as data: SessionRole, BindType, SessionState, bind command names, mayReceive(), maySend(),
 * isMessageCommand(). Pure; session.ts asks it before handling or sending a request.
 */

/** esme: telepay binds to an SMSC (operator mode); smsc: telepay is the SMSC (simulator). */
export type SessionRole = 'esme' | 'smsc'
export type BindType = 'transmitter' | 'receiver' | 'transceiver'
export type SessionState = 'open' | 'bound_tx' | 'bound_rx' | 'bound_trx' | 'unbinding' | 'closed'

const bindTypesByCommand: Readonly<Record<string, BindType>> = {
  bind_transmitter: 'transmitter',
  bind_receiver: 'receiver',
  bind_transceiver: 'transceiver',
}

export function bindTypeOf(command: string): BindType | undefined {
  return bindTypesByCommand[command]
}

export function bindCommandOf(type: BindType): string {
  return `bind_${type}`
}

export function boundStateOf(type: BindType): SessionState {
  switch (type) {
    case 'transmitter':
      return 'bound_tx'
    case 'receiver':
      return 'bound_rx'
    case 'transceiver':
      return 'bound_trx'
  }
}

const sending: readonly BindType[] = ['transmitter', 'transceiver']
const receiving: readonly BindType[] = ['receiver', 'transceiver']

/** Requests an ESME sends to an SMSC, with the bind types that allow them. */
const esmeRequests: Readonly<Record<string, readonly BindType[]>> = {
  submit_sm: sending,
  submit_multi: sending,
  data_sm: sending,
  query_sm: sending,
  cancel_sm: sending,
  replace_sm: sending,
  broadcast_sm: sending,
  query_broadcast_sm: sending,
  cancel_broadcast_sm: sending,
}

/** Requests an SMSC sends to an ESME, with the bind types that allow them. */
const smscRequests: Readonly<Record<string, readonly BindType[]>> = {
  deliver_sm: receiving,
  data_sm: receiving,
  alert_notification: receiving,
}

function requestsFrom(role: SessionRole): Readonly<Record<string, readonly BindType[]>> {
  return role === 'esme' ? esmeRequests : smscRequests
}

/**
 * Whether a session of `role`, bound as `bindType` (null before bind), may accept `command`
 * from its peer. Session control (bind, unbind, enquire_link) is decided in session.ts.
 */
export function mayReceive(role: SessionRole, bindType: BindType | null, command: string): boolean {
  const peerRole: SessionRole = role === 'esme' ? 'smsc' : 'esme'
  const allowed = requestsFrom(peerRole)[command]
  return bindType !== null && (allowed?.includes(bindType) ?? false)
}

/** Whether a session of `role` bound as `bindType` may send `command` to its peer. */
export function maySend(role: SessionRole, bindType: BindType | null, command: string): boolean {
  const allowed = requestsFrom(role)[command]
  return bindType !== null && (allowed?.includes(bindType) ?? false)
}

/** Requests that carry a message: counted against the per-bind incoming rate. */
export function isMessageCommand(command: string): boolean {
  return (
    command === 'submit_sm' ||
    command === 'deliver_sm' ||
    command === 'data_sm' ||
    command === 'submit_multi'
  )
}
