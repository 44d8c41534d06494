/**
 * ussd-http.ts - one USSD request as Africa's Talking posts it to a gateway's /ussd: the session,
 * the subscriber and the text typed so far in the session (`*`-separated). Exports ussdHop.
 */

export async function ussdHop(
  url: string,
  sessionId: string,
  msisdn: string,
  text: string,
): Promise<{ status: number; text: string }> {
  const response = await fetch(`${url}/ussd`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      sessionId,
      serviceCode: '*123#',
      phoneNumber: `+${msisdn}`,
      networkCode: '46000',
      text,
    }).toString(),
  })
  return { status: response.status, text: await response.text() }
}
