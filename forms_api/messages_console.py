"""The Chinese texts of offline intake (线下登记) and of a case's channel, wherever a case is shown: the console's
form and receipt slip, the staff tools' `show`, `list`, exports and `stats`. Text only, no logic (like messages.py,
which is long enough already)."""

from __future__ import annotations

# A case's channel (forms_api/cases/events.py CHANNELS): how the citizen's message came in.
CHANNEL_LABELS = {
    "online": "网上留言",
    "reception": "接待日",
    "mobile": "流动联络站",
    "meeting": "屋场恳谈会",
    "phone": "电话",
    "letter": "来信",
}

CHANNEL_LABEL = "渠道"  # the label of the channel in `show` and the column of `list`
CHANNEL_SAID_ON = "{channel}（反映日期 {said_on}）"  # `show`, for a case registered offline
EXPORT_CHANNEL = "渠道"  # the exports' last column, after the target's id: every older column keeps its place
STATS_CHANNELS = "渠道：{items}"
CHANNEL_OPTION_HELP = "只要这一渠道的留言：{choices}。"

INTAKE_TEXTS = {
    "nav": "线下登记",
    "title": "线下登记",
    "lead": (
        "登记群众在接待日、流动联络站、屋场恳谈会上当面反映，或通过电话、来信反映的意见，与网上留言一样进入办理流程。"
    ),
    "channel": "渠道",
    "any_channel": "（全部渠道）",
    "station": "联络站",
    "deputy": "接待代表（可不填）",
    "no_deputy": "（无，由联络站受理）",
    "said_on": "反映日期",
    "category": "类别",
    "text": "反映内容",
    "name": "姓名（可不填）",
    "phone": "电话（可不填）",
    "consent": "已告知并征得本人同意，记录其电话用于联系办理",
    "notify": "本人要求有进展时短信通知（交办、答复、办结、重新办理；须填手机号码）",
    "submit": "登记",
    "errors_lead": "请更正以下内容：",
    # errors, each naming what to correct
    "bad_channel": "请选择渠道。",
    "bad_station": "请选择一个联络站（“{station}”不在可登记的联络站中）。",
    "bad_deputy": "接待代表“{deputy}”不是该联络站的现任代表。",
    "bad_date": "请填写反映日期（年-月-日）。",
    "future_date": "反映日期 {day} 晚于今天 {today}，请更正。",
    "bad_category": "请选择类别（{categories}）。",
    "text_missing": "请填写反映内容。",
    "text_control": "反映内容含有不能保存的控制字符，请删除后再登记。",
    "text_short": "反映内容至少需要 {min} 个字。",
    "text_long": "反映内容最多 {max} 个字（现在 {length} 个字）。",
    "name_long": "姓名最多 {max} 个字。",
    "name_control": "姓名含有不能保存的控制字符，请删除后再登记。",
    "site_unavailable": "暂时读不到网站数据（代表、联络站和类别），无法登记，请稍后再试或联系管理员。",
    "bad_phone": "电话号码格式不正确。",
    "notify_mobile": "要短信通知，请填写本人的 11 位手机号码。",
    "no_consent": "填写了电话，须勾选“已征得本人同意”；未征得同意请不要填写电话。",
    "duplicate": "同一内容刚刚已经登记过（{minutes} 分钟内、同一对象、同一电话），本次未重复登记。",
    # the receipt slip (回执)
    "slip_title": "线下登记回执",
    "slip_done": "已登记为 {ref}。请打印或抄下这张回执交给群众；回执只显示这一次。",
    "slip_heading": "群众意见登记回执",
    "slip_keep": "请妥善保管本回执：凭查询码可查看办理进度和答复，查询码不会再次显示。",
    "slip_scan": "用手机扫描二维码查看办理进度",
    "slip_reference": "编号",
    "slip_code": "查询码",
    "slip_channel": "渠道",
    "slip_target": "受理",
    "slip_date": "登记日期",
    "slip_track": "也可打开 {url} 输入查询码",
    "slip_print": "打印回执",
    "slip_qr_title": "办理进度查询二维码",
    "slip_another": "继续登记",
    "slip_case": "查看案件",
}
