"""What notifications say, in Chinese: the SMS texts (register the same wording with the provider as templates, the
`{...}` parts as its variables), the e-mails to staff, and the pages and lines of 退订 and `notify status`.

No text here may carry a citizen's name, phone or message: the params are the reference, a deadline, a handler's
name and links (the tracking page, never with the tracking code; the back office's case page)."""

from __future__ import annotations

# SMS to the citizen, by template; `{link}` is the site's tracking page (SITE_URL + "track/").
SMS_TEXTS = {
    "assigned": (
        "您的留言（编号{ref}）已交{handler}办理，答复期限{deadline}。凭编号和本手机号查看进度：{link} 回复TD退订"
    ),
    "replied": "您的留言（编号{ref}）已答复，请凭编号和本手机号查看答复并评价：{link} 回复TD退订",
    "closed": "您的留言（编号{ref}）已办结，凭编号和本手机号可查看办理情况：{link} 回复TD退订",
    "reopened": "您的留言（编号{ref}）已重新办理，凭编号和本手机号查看进度：{link} 回复TD退订",
    "verify": "您的验证码是{code}，5分钟内有效，用于开通留言进度短信通知。请勿告诉他人。",
}
VERIFY_TEMPLATE = "verify"  # the 短信验证码 (forms_api/notify/verify.py): sent at once, never through the outbox
# The variables each SMS template takes at the provider, in order (Tencent's TemplateParamSet is a list).
SMS_PARAMS = {
    "assigned": ("ref", "handler", "deadline", "link"),
    "replied": ("ref", "link"),
    "closed": ("ref", "link"),
    "reopened": ("ref", "link"),
    "verify": ("code",),
}

# E-mails to staff: (subject, body); `{link}` is the case's page in the back office, `{console}` its queue.
EMAIL_TEXTS = {
    "new_case": (
        "新留言待办理：{ref}",
        "有一件新的留言（编号 {ref}）交给您办理{deadline_line}。\n请登录后台查看：{link}\n",
    ),
    "urged": ("催办：{ref}", "留言（编号 {ref}）已超过答复期限{deadline_line}，请尽快办理。\n请登录后台查看：{link}\n"),
    "answered_by_other": (
        "已由他人答复：{ref}",
        "您承办的留言（编号 {ref}）已由他人答复，答复已向群众公开。\n请登录后台查看：{link}\n",
    ),
    "digest": (
        "每日待办：{day}",
        "{day} 待办情况：\n新留言 {new} 件{new_refs}\n明天到期 {due_tomorrow} 件{due_refs}\n"
        "已超期 {overdue} 件{overdue_refs}\n请登录后台查看：{console}\n",
    ),
}
DEADLINE_LINE = "，答复期限 {deadline}"
REFS_LINE = "：{refs}"
EMAIL_FOOTER = "\n（本邮件由码上找代表系统自动发送，不含留言内容和群众个人信息。）\n"

# 退订 (the tracking page and the service's own page); and what the provider's reply keyword is matched against.
UNSUBSCRIBE_KEYWORDS = frozenset({"TD", "T", "N", "退订", "取消", "UNSUBSCRIBE", "STOP"})
UNSUBSCRIBE_DONE = "已退订：这个手机号码不会再收到本站的短信通知。您仍可凭留言编号和手机号码（或查询码）查看办理进度。"
UNSUBSCRIBE_TITLE = "退订短信通知"
UNSUBSCRIBE_LEAD = "不想再收到短信通知？"
# The button under one case: what it does, for every case of that phone (the confirmation says the same).
UNSUBSCRIBE_BUTTON = "停止给本手机号发短信（所有留言）"
# In its place once the case's phone has opted out (退订 is kept as a hash of the phone, for every case).
SMS_STOPPED = "已退订（本手机号不再收到短信）"
SUBSCRIBE_TITLE = "有进展时短信通知我"
SUBSCRIBE_LEAD = (
    "要在交办、答复、办结和重新办理时收到短信（只发到您留下的手机号码，晚 9 点到早 8 点不发，可随时退订）？"
)
SUBSCRIBED = "好的：这件留言有进展时，我们会发短信到您留下的手机号码。"
# The receipt page of a message whose citizen asked for SMS (the site's /thanks/ page says the same, in its template).
SMS_ASKED = (
    "您已选择有进展时短信通知：交办、答复、办结和重新办理时，我们会发短信到您留下的手机号码（晚 9 点到早 8 点不发）。"
    "不想再收到，可在查询进度页面退订，或回复短信“TD”。"
)
# 短信验证码 on the receipt page without JavaScript (NOTIFY_SMS_VERIFY).
VERIFY_LEAD = "为确认是您本人的手机，请先获取短信验证码（发到您留言时留的手机号码）。"
VERIFY_SEND = "获取验证码"
VERIFY_AGAIN = "重新获取验证码"
VERIFY_SENT = "验证码已发送，5 分钟内有效。请填写短信里的 6 位数字："
VERIFY_LABEL = "短信验证码"
UNSUBSCRIBE_NO_MOBILE = "这件留言没有可接收短信的手机号码，无需退订。"
# 有进展时短信通知我 asked (or offered) for a case whose phone is no mainland mobile (a landline): why not, and where
# progress is read instead. The page it is said on has no phone field and no checkbox: nothing to correct there.
SMS_NO_MOBILE = "短信通知只能发到手机：这件留言留的是固定电话，收不到短信。办理进度可以随时在本站查看。"
SMS_REFUSED_TITLE = "不能短信通知"
SMS_OFF = "本站暂未开通短信通知。办理进度可以随时在本站查看。"

# The back office's case page: the case's notifications.
CASE_NOTICES = {
    "title": "通知",
    "line": "{at} {channel}“{template}”→ {to}：{state}{tries}{error}",
    "tries": "（已发 {n} 次）",
    "error": "，最近一次失败：{error}",
    "skipped": "（{reason}）",  # a notice not sent, and why (SKIP_REASONS)
}
CHANNEL_NAMES = {"sms": "短信", "email": "邮件"}
TEMPLATE_NAMES = {
    "assigned": "已交办",
    "replied": "已答复",
    "closed": "已办结",
    "reopened": "重新办理",
    "new_case": "新留言待办理",
    "urged": "催办",
    "digest": "每日待办",
    "answered_by_other": "已由他人答复",
}
CITIZEN_NAME = "留言人"

# `python -m forms_api notify ...`
NOTIFY_HELP = {
    "notify": "通知：发送待发的短信和邮件，并记录每一次的结果（--follow 持续运行，供 systemd 使用）。",
    "notify.follow": "持续运行：每秒查看一次待发通知（由 systemd 启动，见 deploy/systemd/mashang-notify.service）。",
    "notify.at": "把当前时间当作这个北京时间（YYYY-MM-DDTHH:MM），用于演练和测试免打扰时段。",
    "notify.poll": "持续运行时每隔多少秒查看一次待发通知（默认 1）。",
    "status": "列出待发、发送失败和已跳过的通知（不显示手机号码和邮箱）。",
    "digest": "生成今天给联络站和人大常委会办公室的每日待办邮件（新留言、明天到期、已超期），每天一次。",
    "digest.today": "把这一天当作今天（YYYY-MM-DD）。",
}
NOTIFY_SHORT_HELP = {"notify": "发送短信和邮件通知", "status": "待发和失败的通知", "digest": "每日待办邮件"}
NOTIFY_OFF = "通知未开启：没有配置发送方式（FORMS_NOTIFY_SMS 或 FORMS_NOTIFY_EMAIL）。"
NOTIFY_WAITING = "留言队列 {path} 还没有留言记录：等表单服务收到第一条留言后开始发送通知。"
NOTIFY_INCOMPLETE = "通知的设置不完整，没有发送任何通知（补上后再运行；环境变量都以 FORMS_ 开头）：\n{problems}"
NOTIFY_RAN = "已发送 {sent} 条，稍后重试 {retry} 条，失败 {failed} 条，跳过 {skipped} 条，暂缓 {held} 条。"
STATUS_HEAD = (
    "待发 {pending} 条（其中暂缓或等待重试 {waiting} 条），失败 {failed} 条，跳过 {skipped} 条，已发送 {sent} 条。"
)
STATUS_LINE = "{state}  {id}  {ref}  {channel}/{template}  → {to}  第 {attempts} 次  {error}"
STATE_LABELS = {"pending": "待发", "failed": "失败", "skipped": "跳过", "sent": "已发"}
DIGEST_DONE = "已生成每日待办邮件 {count} 封（{day}）。"
CONSOLE_FAILED = (
    "有 {count} 条通知（短信或邮件）多次发送失败，未能送达："
    "请在服务器上运行 python -m forms_api notify status 查看原因。"
)
DIGEST_DAY_OFF = "{day} 不是工作日：不发每日待办邮件。"
DIGEST_NONE = "今天的每日待办邮件已经生成过，或者没有收件人。"
SKIP_REASONS = {
    "no_contact": "没有收件地址",
    "unsubscribed": "已退订",
    "no_phone": "没有可接收短信的手机号码",
}
