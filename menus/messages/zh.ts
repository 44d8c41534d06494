/**
 * zh.ts - the Simplified Chinese catalogue: replies that fit one 70-character UCS-2 SMS with
 * typical params, every refusal saying what to do next. Exports zh.
 */
import type { Catalogue } from './catalogue.js'

// Replies name the Chinese keywords of SPEC section 4 (确认, 取消, 余额, 帮助), since a Chinese
// MO gets a Chinese reply. Lock time and PIN length are the SPEC defaults: refusals carry no params
// but the most one payment may be ({max}, {account}) and the card's bank ({bank}).
export const zh: Catalogue = {
  'account.wallet': '钱包',
  'account.phone_bill': '话费账户',
  'account.bank': '银行卡',

  'balance.summary': '余额：钱包{wallet}元，话费{phoneBill}元。',
  'balance.summary_with_card': '余额：钱包{wallet}元，话费{phoneBill}元，银行卡{card}：{bank}元。',
  'statement.list': '最近交易：{rows}',
  'statement.empty': '您还没有交易记录。',
  'payment.confirm_pin':
    '从您的{account}向{payee}支付{amount}元？回复“确认 <密码>”付款，回复“取消”放弃。',
  'payment.confirm_sim': '从您的{account}向{payee}支付{amount}元？回复“确认”付款，回复“取消”放弃。',
  'payment.completed': '已从您的{account}向{payee}支付{amount}元。交易号{ref}。',
  'airtime.confirm_pin':
    '从您的{account}为{payee}充值话费{amount}元？回复“确认 <密码>”充值，回复“取消”放弃。',
  'airtime.confirm_sim':
    '从您的{account}为{payee}充值话费{amount}元？回复“确认”充值，回复“取消”放弃。',
  'airtime.completed': '已从您的{account}为{payee}充值话费{amount}元。交易号{ref}。',
  'load.confirm_pin':
    '从您的{account}圈存{amount}元到钱包？回复“确认 <密码>”圈存，回复“取消”放弃。',
  'load.completed': '已从您的{account}圈存{amount}元到钱包。交易号{ref}。',
  'card_load.confirm_pin':
    '从您的{account}向手机卡电子钱包圈存{amount}元？回复YES <密码>确认，回复NO取消。',
  'card_load.confirm_sim':
    '用您的{account}向手机卡电子钱包圈存{amount}元？回复YES确认，回复NO取消。',
  'card_load.sent':
    '{amount}元已从您的{account}转出，正在空中圈存到手机卡。交易号{ref}。到卡后另有短信通知。',
  'card_load.delivered': '{amount}元已圈存到手机卡，卡内余额{balance}元。',
  'card_load.refunded': '未能连接您的手机卡，{amount}元已退回您的{account}。交易号{ref}。',
  'card.funded': '{amount}元已圈存到手机卡，卡内余额{balance}元。',
  'card.balance':
    '手机卡电子钱包：截至最近清算余额{balance}元（闸机尚未上传的刷卡不含在内）。最近：{rows}',
  'card.balance_loading':
    '手机卡电子钱包：截至最近清算余额{balance}元，另有{loading}元正在圈存到卡。最近：{rows}',
  'card.blacklisted': '卡{card}黑名单状态：{listed}。',
  'clearing.cleared': '已清算{accepted}笔（{amount}元），{duplicates}笔此前已清算。',
  'send.confirm_pin':
    '从您的{account}向{payee}转账{amount}元？回复“确认 <密码>”转账，回复“取消”放弃。',
  'send.completed': '已从您的{account}向{payee}转账{amount}元。交易号{ref}。',
  'payment.processing':
    '正在从您的{account}向{payee}支付{amount}元，等待银行处理，结果将短信通知。',
  'payment.cancelled': '已取消向{payee}支付{amount}元，未扣款。',
  'payment.expired': '向{payee}支付{amount}元未及时确认，已失效，未扣款。',
  'request.prompt':
    '{payee}请您从{account}支付{amount}元（{reference}）。回复“确认 <密码>”付款，“取消”拒绝。',
  'request.prompt_sim':
    '{payee}请您从{account}支付{amount}元（{reference}）。回复“确认”付款，“取消”拒绝。',
  'request.accepted': '收款请求{amount}元已发送，等待用户确认。',
  'pin.changed': '您的密码已修改，请勿告诉任何人。',
  'language.changed': '语言已设置为中文。',
  'pin.verified': '登录成功。',
  registered:
    '{name}，欢迎使用telepay！本机号码已开通，密码已设置。发送“余额”查询余额，“帮助”查看指令。',
  'order.created': '订单{orderNo}（{amount}元）已创建，用户发送“ORDER {orderNo}”即可付款。',
  'refund.completed': '{payee}退款{amount}元已退回您的{account}。交易号{ref}。',
  'delivery.recorded': '支付{paymentId}的发货已登记。',
  'expiry.swept': '{count}笔待确认支付已过期。',
  'account.funded': '您的{account}已到账{amount}元，余额{balance}元。交易号{ref}。',
  'subscriber.changed': '{msisdn}的资料已修改。',
  'subscriber.unlocked': '{msisdn}的密码锁定已解除。',
  'merchant.opened': '商户{code}（{name}）已开通。',
  'merchant.changed': '商户{code}（{name}）的资料已修改。',

  'refusal.idempotency_key_reused': '请求编号重复，无法处理，请重新发送。',
  'refusal.amount_invalid': '金额无法识别，请输入数字，如25或25.50。',
  'refusal.amount_too_precise': '金额最多两位小数，如25.50，请重新发送。',
  'refusal.amount_not_positive': '金额必须大于0，请重新发送。',
  'refusal.msisdn_invalid': '手机号码无效，请核对后重新发送。',
  'refusal.pin_format_invalid': '密码应为4至6位数字，请重新发送。',
  'refusal.payer_not_registered': '您的号码尚未开通telepay支付，请到营业厅或代理点办理开通。',
  'refusal.registration_not_offered': '本服务不支持短信注册，请到银行或营业厅办理开通。',
  'refusal.already_registered': '该号码已注册，发送“余额”查询余额。',
  'refusal.subscriber_locked': '密码错误次数过多，账户已锁定，请15分钟后再试。',
  'refusal.merchant_not_found': '商户不存在，请核对商户编号后重新发送。',
  'refusal.merchant_already_exists': '该商户编号已被使用。',
  'refusal.fee_rule_invalid': '手续费下限高于上限。',
  'refusal.order_already_exists': '该订单号已被使用。',
  'refusal.customer_reference_required': '缴费需提供账单上的户号，请附上户号重新发送。',
  'refusal.order_not_found': '订单不存在，请核对订单号后重新发送。',
  'refusal.order_already_paid': '该订单已支付，本次未扣款。',
  'refusal.payee_not_registered': '收款号码未开通telepay，请核对号码后重新发送。',
  'refusal.payee_is_payer': '不能这样向自己付款，请选择其他号码或账户。',
  'refusal.no_pending_payment': '您没有待确认的支付，请重新发起支付。',
  'refusal.payment_expired': '支付已超时失效，未扣款，请重新发起。',
  'refusal.payment_not_found': '找不到该笔支付，请核对交易号。',
  'refusal.payment_not_refundable': '该笔支付未完成，不能退款。',
  'refusal.payment_not_completed': '该笔支付未完成，不能登记发货。',
  'refusal.account_not_offered': '本服务不提供{account}支付，请选择其他账户，例如银行卡。',
  'refusal.account_not_available': '您未开通该账户，请改用钱包、话费或银行卡。',
  'refusal.account_not_allowed': '该账户不能用于此笔支付，请选择其他账户。',
  'refusal.merchant_bank_mismatch':
    '您的{bank}银行卡只能向在{bank}结算的商户付款，该商户不在此列，未扣款。',
  'refusal.pin_required': '此笔支付需要密码，请回复“确认 <密码>”，或回复“取消”。',
  'refusal.pin_incorrect': '密码错误，还可尝试{triesLeft}次，用完将锁定账户。',
  'refusal.pin_attempts_exceeded': '密码错误次数过多，账户已锁定，请{lockMinutes}分钟后再试。',
  'refusal.amount_above_payment_max':
    '金额超过该账户单笔限额：{account}每笔最多{max}元，请减少金额或选择其他账户。',
  'refusal.amount_above_funding_max': '单次入账最多{max}元。',
  'refusal.daily_limit_exceeded': '超过每日支付限额，请减少金额或明天再试。',
  'refusal.insufficient_funds': '账户余额不足，请充值或选择其他账户后重试。',
  'refusal.wallet_cap_exceeded': '钱包余额将超过上限，请减少金额。',
  'refusal.card_cap_exceeded': '手机卡电子钱包最多存{max}元，请减少圈存金额。',
  'refusal.card_blocked': '此手机卡已被停用，请致电客服。',
  'refusal.refund_exceeds_payment': '退款金额超过可退金额，请减少退款金额。',
  'refusal.bank_declined': '银行拒绝了此笔支付，未扣款。请联系银行或选择其他账户。',
  'refusal.bank_unavailable': '暂时无法连接银行，未扣款。请稍后重试或选择其他账户。',
  'refusal.system_busy': '系统繁忙，请稍后再试。',
}
