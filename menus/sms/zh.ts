/**
 * zh.ts - the SMS channel's Chinese texts: short help, usage hints naming the Chinese keywords,
 * the unknown-word answer, the reference line and the lost-parts request. Exports smsZh.
 */
import type { SmsCatalogue } from './catalogue.js'

// The help lists the Chinese keywords: 余额, 支付, 订单 (ORDER), 缴费 (BILL), 充值, 圈存 (LOAD,
// loading the wallet from the bank card), 转账, 记录 or 明细 (HIST), 改密码 or 密码 (PIN), 确认,
// 取消, 注册 (REG), 帮助. It takes two 67-character UCS-2 parts; a usage hint fits one 70-character SMS.
export const smsZh: SmsCatalogue = {
  help:
    '指令：余额；支付 商户号 金额；订单 订单号；缴费 商户号 户号 金额；充值 金额 [号码]；圈存 金额；' +
    '转账 号码 金额；记录；改密码 旧密码 新密码；注册 姓名 密码。付款可在末尾加钱包、话费或银行卡。',
  unknown: '无法识别该指令。',
  usage: {
    bal: '发送“余额”查询各账户余额。',
    pay: '用法：支付 商户号 金额 [钱包/话费/银行卡]，如“支付 1001 25”。',
    order: '用法：订单 订单号 [钱包/话费/银行卡]，如“订单 880001”。',
    bill: '用法：缴费 商户号 户号 金额 [钱包/话费/银行卡]，如“缴费 2001 8812345 30”。',
    topup: '用法：充值 金额 [手机号] [钱包/话费/银行卡]，不填号码为本机充值。',
    load: '用法：圈存 金额，从银行卡转入钱包，如“圈存 100”。',
    card: '发送“卡余额”查询手机卡电子钱包余额和最近消费。',
    loadcard:
      '用法：卡充值 金额，从钱包向手机卡电子钱包充值，如“卡充值 50”；加“话费”或“银行卡”换账户。',
    send: '用法：转账 手机号 金额，从钱包转给对方，如“转账 8613800138001 10”。',
    yes: '回复“确认 密码”确认待付款项；话费支付只需回复“确认”。',
    no: '回复“取消”取消待确认的支付。',
    hist: '发送“记录”查看最近5笔交易。',
    pin: '用法：改密码 旧密码 新密码，密码为4至6位数字。',
    reg: '用法：注册 姓名 密码，为本机号码开通，如“注册 王芳 2468”，密码为4至6位数字。',
    help: '发送“帮助”查看全部指令，“帮助 支付”查看单项用法。',
  },
  reference: '交易号{ref}。',
  partsLost: '您的短信部分丢失，请重新发送。',
}
