"""The Chinese texts of offline intake (线下登记) and of a case's channel, wherever a case is shown: the console's
form and receipt slip, the staff tools' `show`, `list`, exports and `stats`. Text only, no logic (like messages.py,
which is long enough already)."""

from __future__ import annotations

from forms_api.messages import FIELD_ERRORS

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
OFFLINE_SUBMITTED = "线下登记（{channel}）"  # a case's first event in the timeline when staff registered it
# How and when a case registered offline came in, for staff (`show`, the case's page): the day the citizen said it
# and when it was registered, each named, so neither reads as the other (the citizen's page: PAGE_TEXTS "offline")
OFFLINE_RECEIVED = "线下登记：{channel}，{said_on} 收到；{registered} 登记"
EXPORT_CHANNEL = "渠道"  # the exports' last column, after the target's id: every older column keeps its place
# After the channel, in the same way: the citizen's rating of the latest answer (满意/基本满意/不满意, empty when none)
# and how often the case was reopened (by staff, or by a 不满意); the hand-over sheet has them too.
EXPORT_LOOP_COLUMNS = ("满意度", "重办次数")
STATS_CHANNELS = "渠道：{items}"
CHANNEL_OPTION_HELP = "只要这一渠道的留言：{choices}。"
HANDLER_OPTION_HELP = (
    "只要现由这个承办者办理的留言：职能部门或 12345 热线按交办时的名称（如 县住建局、12345热线），"
    "代表按姓名或编号。用于给一个承办单位导出只含其留言的文件。"
)

INTAKE_TEXTS = {
    "nav": "线下登记",
    "title": "线下登记",
    "lead": (
        "登记群众在接待日、流动联络站、屋场恳谈会上当面反映，或通过电话、来信反映的意见，与网上留言一样进入办理流程。"
    ),
    "channel": "渠道",
    "any_channel": "（全部渠道）",
    "station": "联络站",
    "choose_station": "（请选择联络站）",
    "deputy": "接待代表（可不填）",
    "no_deputy": "（无，由联络站受理）",
    "deputy_typed": "输入接待代表的姓名或编号（同名的输入编号），须是所选联络站的现任代表；不填则由联络站受理。"
    "也可先选好联络站，再点“列出该站代表”从名单中选。",
    "pick_deputies": "列出该站代表",
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
    "no_station": "请选择联络站：群众是在哪个联络站（或向哪个联络站）反映的。",
    "bad_deputy": "接待代表{name}（编号 {deputy}）不是“{station}”的现任代表：请核对联络站或接待代表。",
    "bad_date": "请填写反映日期（年-月-日）。",
    "future_date": "反映日期 {day} 晚于今天（{today}）：请填写群众反映意见的那一天，最晚是今天 {today}。",
    "old_date": "反映日期 {day} 早于 {days} 天前（{earliest}），请核对是否填错；只能登记 {days} 天内反映的意见。",
    "bad_category": "请选择类别（{categories}）。",
    "text_missing": "请填写反映内容。",
    "text_control": "反映内容含有不能保存的控制字符，请删除后再登记。",
    "text_short": "反映内容至少需要 {min} 个字。",
    "text_long": "反映内容最多 {max} 个字（现在 {length} 个字）。",
    "name_long": "姓名最多 {max} 个字。",
    "name_control": "姓名含有不能保存的控制字符，请删除后再登记。",
    "site_unavailable": "暂时读不到网站数据（代表、联络站和类别），无法登记，请稍后再试或联系管理员。",
    "bad_phone": FIELD_ERRORS["phone_invalid"],  # the citizen form's: 11-digit mobile, or area code + number
    "notify_mobile": "要短信通知，请填写本人的 11 位手机号码。",
    "no_consent": "填写了电话，须勾选“已征得本人同意”；未征得同意请不要填写电话。",
    "duplicate": "同样的意见刚刚已登记为 {ref}（{minutes} 分钟内、同一对象、同一电话、同样的内容），本次未重复登记。",
    "duplicate_no_phone": (
        "同样的意见刚刚已登记为 {ref}（{minutes} 分钟内、同一对象、同样的内容，两次都未留电话），本次未登记。"
        "如果这是另一位群众提出的相同意见，请勾选下面一项后再登记。"
    ),
    "same_words": "这是另一位群众提出的相同意见，仍然登记",
    # a 反映日期 whose 交办期限 ({days} working days on) is past, or today: said, and registered only when confirmed
    "late_past": (
        "反映日期是 {day}，按 {days} 个工作日计算，交办期限是 {deadline}，已经过了：这条意见一登记就会显示为“逾期”。"
        "请先核对反映日期：填错了的，改正后再登记；日期无误的，勾选日期下面的确认一项，再按“登记”，登记后请立即交办。"
    ),
    "late_past_confirm": "确认反映日期 {day} 无误，登记为逾期件",
    "late_today": (
        "反映日期是 {day}，按 {days} 个工作日计算，交办期限就是今天（{deadline}）：今天不交办，明天起就会显示为“逾期”。"
        "请先核对反映日期：填错了的，改正后再登记；日期无误的，勾选日期下面的确认一项，再按“登记”，登记后请在今天交办。"
    ),
    "late_today_confirm": "确认反映日期 {day} 无误，登记后今天交办",
    # the receipt slip (回执)
    "slip_title": "线下登记回执",
    "slip_done": "已登记为 {ref}。请打印或抄下这张回执交给群众；查询码只在 {minutes} 分钟内、只在本次登录中显示。",
    "slip_reprint": "补打回执 {ref}：查询码不再显示。",
    "slip_no_code": (
        "查询码只在登记时显示，不能再次显示。请打开 {url}（或扫描二维码），"
        "用留言编号 {ref} 和登记时留的电话号码查询办理进度。"
    ),
    "slip_no_code_no_phone": (  # a case registered without a phone: the reference and a phone cannot open it
        "这条意见登记时没有留电话，只能凭登记时回执上的查询码在网上查询，查询码不能再次显示。"
        "群众遗失回执的，请告诉其留言编号 {ref}，凭编号向联络站询问办理进度。"
    ),
    "slip_keep_no_phone": "请妥善保管本回执：没有留电话，只能凭查询码查看办理进度和答复，查询码不会再次显示。",
    "slip_reprint_link": "补打回执",
    "slip_heading": "群众意见登记回执",
    "slip_keep": (
        "请妥善保管本回执：凭查询码（留了电话的，也可以凭留言编号和电话）可查看办理进度和答复，查询码不会再次显示。"
    ),
    "slip_scan": "用手机扫描二维码查看办理进度",
    "slip_scan_lookup": "用手机扫描二维码打开查询页，输入留言编号和登记时留的电话号码查看办理进度",  # a reprint
    "slip_reference": "编号",
    "slip_code": "查询码",
    "slip_channel": "渠道",
    "slip_target": "受理",
    "slip_date": "登记日期",
    "slip_track": "也可打开 {url} 输入查询码",
    "slip_print": "用浏览器的“打印”打印这张回执（A6），交给群众带走；来信登记的，随回信寄给来信人。",
    "slip_notify": "短信通知",
    "slip_notify_on": "有进展时发短信到登记的手机号码（可随时退订）",
    "slip_qr_title": "办理进度查询二维码",
    "slip_another": "继续登记",
    "slip_case": "查看案件",
    "slip_late": "{ref} 的交办期限 {deadline} 已过，已显示为逾期，请立即交办：",
    "slip_late_today": "{ref} 的交办期限就是今天（{deadline}），明天起就会显示为逾期，请在今天交办：",
    "slip_late_link": "去交办",
}

# The console's texts added after its first version (the rest: messages.CONSOLE_TEXTS, ACTION_TEXTS), in templates as
# `st`: choosing a deputy, the accounts page, a session that ended with a form half done.
STAFF_TEXTS = {
    "reopens": "重办次数",  # a case's page, when it was reopened (the exports' column of the same name)
    # choosing a deputy (forms_api/console/deputies.py)
    "deputy_pick": "代表",
    "deputy_pick_none": "（请选择）",
    "deputy_other": "或输入其他代表的姓名或编号",
    "deputy_label": "{name}（{stations}）",
    "deputy_label_id": "{label}，编号 {id}",
    "deputy_label_about": "；{about}",  # inside the label's brackets, after the stations: congress and post
    "no_station": "未加入联络站",
    "deputy_unknown": "找不到现任代表“{name}”，请从列表中选择，或核对姓名（编号）。",
    # a session that ended with a form half done (forms_api/console/drafts.py)
    "expired_signin": "请重新登录：登录后回到原来的页面，您填写的内容会保留，检查后再提交。",
    "kept": "您填写的内容保留在表单中，请检查后重新提交。",
    "restored": "已重新登录。刚才的操作还没有提交：您填写的内容保留在表单中，请检查后提交。",
    "to_form_kept": "转到“{action}”表单",
    "timed_out_post": "长时间没有操作，已自动退出，刚才的操作没有完成。请重新登录：您填写的内容会保留，检查后再提交。",
    "jump_label": "转到办理表单",
    # the reply templates in the answer form (forms_api/console/case.py fill_template)
    "templates_fill_hint": "选好模板后点“填入答复框”：模板内容接在已写的答复后面，已写的内容不会丢失；还没有提交。",
    # the list's filters
    "filters_summary": "筛选（状态、逾期、类别、渠道、联络站、地区、代表、日期、搜索）",
    "filter_station": "联络站",
    "any_station": "（全部联络站）",
    "filter_area": "地区（含下级）",
    "filter_deputy": "代表（姓名或编号）",
    "any_area": "（全部地区）",
    "deputy_missing": "请从列表中选择代表，或输入代表的姓名或编号。",
    "to_form": "转到“{action}”表单更正",
    "deputy_ambiguous": "有 {count} 位现任代表名叫“{name}”：{deputies}。请从列表中选择，或输入其中一位的编号。",
    # the same, for the staff tools' --name (forms_api/public/deputies.py)
    "deputy_ambiguous_typed": "有 {count} 位现任代表名叫“{name}”：{deputies}。请输入其中一位的编号。",
    "deputy_unknown_typed": "找不到现任代表“{name}”：请输入现任代表的完整姓名，或其编号（代表页面网址中的一段）。",
    "deputy_ambiguous_cli": "有 {count} 位现任代表名叫“{name}”：{deputies}。请用 --name 输入其中一位的编号。",
    "deputy_unknown_cli": "找不到现任代表“{name}”：--name 请写代表的编号或完整姓名。",
    # `users add --station/--deputy` checked against the site's data (forms_api/public/deputies.py `unknown_ids`)
    "unknown_station": "网站上没有编号为 {id} 的联络站{hint}。请写网站上联络站的编号。",
    "unknown_deputy": "网站上没有编号为 {id} 的现任代表{hint}。请写网站上现任代表的编号。",
    "did_you_mean": "（您要找的是不是 {ids}？）",
    # who acted, in the case's timeline and the 交办单 (forms_api/console/people.py)
    "actor": "{login}（{role}{scope}）",
}

# The accounts page (forms_api/console/accounts.py, templates/staff/accounts.html), as `at` in templates.
ACCOUNT_TEXTS = {
    "lead": (
        "新建账号后，把只显示一次的邀请链接交给本人，用它设置密码。停用立即生效；重置会作废原密码和已登录的会话，"
        "停用的账号重置后凭新的邀请链接重新启用。"
    ),
    "add_title": "新建账号",
    "login_hint": "2 至 32 个小写字母、数字、点、下划线或连字符，如 wang 或 dongxi.li",
    "role": "角色",
    "station": "所属联络站（联络站工作人员）",
    "station_none": "（请选择）",
    "deputy": "代表姓名或编号（代表）",
    "handler": "单位名称，与交办时写的一致（承办单位，如 县住建局、12345）",
    "add": "新建账号",
    "invitation": "账号 {login} 的邀请链接（只显示这一次，{until} 前有效，只能用一次）：",
    "invitation_keep": "请现在复制并交给本人；离开或刷新本页后无法再次查看，只能重置。",
    # the invitation's page looked at again (a reload, Back): the link is never shown twice
    "invitation_gone": (
        "账号 {login} 的邀请链接只显示一次，这里不再显示。如果还没有交给本人，请在下面的列表中对 {login} "
        "用“重置密码”生成新的链接（原来的链接随之作废）。"
    ),
    "invitation_used": "账号 {login} 的邀请链接只显示一次，这里不再显示；{login} 已经设置了密码，不需要新的链接。",
    "actions": "操作",
    "disable": "停用",
    "reset": "重置密码",
    "errors_lead": "未能新建账号：",
    "bad_role": "请选择角色。",
    "bad_office": "代表工作机构的账号看全部留言，不需要范围。",
    "bad_station": "请选择联络站工作人员所属的联络站。",
    "bad_deputy": "请填写代表的姓名或编号。",
    "bad_handler": "请填写承办单位名称（64 字以内，不含控制字符）。",
    "exists": "账号 {login} 已存在；要重新生成邀请链接，请用“重置密码”。",
    "totp_on": "已开二次验证",
    "totp_reset": "清除二次验证",
    "totp_was_reset": "已清除账号 {login} 的二次验证，其已登录的会话作废；本人用密码登录后重新绑定验证器。",
    "not_yourself": "不能停用或重置当前登录的账号；请由另一个代表工作机构账号操作，或在服务器上使用 users 命令。",
    # The confirmation step of disable, reset and clearing the second factor: each a disclosure with what it does
    # and a second button (no JavaScript needed); a post without it changes nothing.
    "consequence_disable": "停用后，{login} 已登录的会话立即结束，不能再登录；重置密码可重新启用。",
    "consequence_reset": "重置后，{login} 的原密码和已登录的会话作废，本人须凭新的邀请链接重新设置密码。",
    "consequence_reset_totp": "清除后，{login} 已登录的会话作废，本人用密码登录后须重新绑定验证器。",
    "confirm": "确认{action} {login}",
    "not_confirmed": "账号 {login} 未作更改：请先展开“{action}”，看清后果，再按“确认{action}”。",
}

# `backup` and `restore` (forms_api/staff/operations.py): the back office's accounts and reply templates go along.
BACKUP_CONSOLE = "另含后台账号 {accounts} 个、答复模板 {templates} 个（含密码散列）。"
RESTORE_CONSOLE = "已恢复后台账号 {accounts} 个、答复模板 {templates} 个。"

# --- The hand-over round trip (交办与反馈): the 交办单, the hand-over sheet, the results import ---------------------
# (forms_api/cases/handover.py, forms_api/console/handover.py, forms_api/staff/handover.py)

# key -> the header of the results file's column, as the hand-over sheet writes it and the import reads it.
HANDOVER_RESULT_COLUMNS = {
    "ref": "留言编号",
    "ticket": "工单号",
    "result": "办理结果",
    "day": "日期",
    "handler": "承办单位",
}
# The hand-over sheet: what we send, then the columns the handler fills in and sends back (the results file's).
HANDOVER_SHEET_COLUMNS = (
    "留言编号",
    "承办单位",
    "交办日期",
    "答复期限",
    "类别",
    "留言对象",
    "留言内容",
    *EXPORT_LOOP_COLUMNS,
)
HANDOVER_SHEET_RETURN = ("工单号", "办理结果", "日期")
HANDOVER_SHEET_TITLE = "交办清单"
HANDOVER_ROW_ERROR = "第 {row} 行：{reason}"
HANDOVER_ROW_ERRORS = {
    "no_rows": "文件中没有数据行（第 1 行应为列名：留言编号、工单号、办理结果、日期、承办单位）。",
    "missing_columns": "缺少列：{columns}（第 1 行应为列名：留言编号、工单号、办理结果、日期、承办单位）。",
    "too_many_rows": "文件超过 {max} 行，请分批导入。",
    "empty": "“{what}”为空。",
    "control": "“{what}”含有换行或控制字符。",
    "long": "“{what}”超过 {max} 个字。",
    "bad_ref": "留言编号“{ref}”格式不对，应形如 2026-000123。",
    "unknown_ref": "找不到留言 {ref}。",
    "bad_date": "日期“{value}”不是日期，应形如 2026-12-01。",
    "future_date": "日期 {day} 晚于今天（{today}）。",
    "closed": "留言 {ref} 已办结，不能再记录办理结果。",
    "not_handed": "留言 {ref} 没有交办给“{handler}”（现在的承办：{current}）。",
    "before_handover": "日期 {day} 早于交办日期（{handed}）。",
}
HANDOVER_ROW_JOIN = ""  # a row's several problems, one after another (each ends with "。")
HANDOVER_FILE_ERRORS = {
    "unreadable": "无法读取这个文件：请上传 XLSX 或 CSV（UTF-8 或 GBK 编码）文件。",
    "no_file": "请选择要导入的文件。",
    "empty": "文件“{name}”是空的，没有任何内容：请检查是否选错了文件，或在 Excel / WPS 中重新保存后再上传。",
    "wrong_type": (
        "不能导入“{name}”：只能导入 XLSX（.xlsx）或 CSV（.csv）文件。"
        "请在 Excel 或 WPS 中把它“另存为”这两种格式之一，再上传。"
    ),
    "not_results": "无法导入“{name}”：{reason}",  # a missing column, no data row, too many rows: not a row's error
    "too_large": "文件太大（最多 {max} KB），请分批导入。",
    "expired": "导入预览已过期或不完整，请重新上传文件。",
}
HANDOVER_TEXTS = {
    "nav": "交办与反馈",
    "title": "交办与反馈",
    "sheet_title": "导出交办清单",
    "sheet_lead": (
        "交办给某一承办单位、在日期范围内交办且尚未办结的留言，每条一行；"
        "承办单位填好工单号、办理结果和日期后交回，由代表工作机构在本页“导入办理结果”导入。"
    ),
    "sheet_lead_station": (  # a station worker: the office imports, not they
        "交办给某一承办单位、在日期范围内交办且尚未办结的留言，每条一行；承办单位填好工单号、办理结果和日期后"
        "交回代表工作机构，由代表工作机构导入（联络站账号不能导入）。"
    ),
    "handler": "承办单位（交办时写的名称，如 县住建局 或 12345）",
    "since": "交办日期从",
    "until": "至（可不填）",
    "format": "格式",
    "export": "导出",
    "bad_handler": "请填写承办单位。",
    "none_handed": "没有交给“{handler}”的留言（在所选日期内交办、尚未办结、您可查看的）。请核对承办单位名称和日期。",
    "file_name": "交办清单-{handler}-{since}至{until}",
    "bad_since": "请填写交办日期（年-月-日）。",
    "reversed_dates": "结束日期早于开始日期，请对调两个日期。",
    "import_title": "导入办理结果",
    "import_lead": (
        "上传承办单位交回的办理结果（XLSX 或 CSV）。列名：留言编号、工单号、办理结果、日期、承办单位。"
        "先预览，确认后导入；同一文件导入两次不会重复记录。"
    ),
    "file": "结果文件",
    "preview": "预览",
    "preview_title": "导入预览：{name}",
    "preview_counts": (
        "共 {rows} 行：可导入 {good} 行，此前已导入（跳过）{repeats} 行，尚无办理结果（跳过）{pending} 行，"
        "有误 {errors} 行。"
    ),
    "preview_errors": "以下各行有误，不会导入：",
    "preview_rows": "无误、可导入的行（{count} 行）",
    "preview_rows_hint": "请核对留言编号和办理结果，确认无误后再导入。办理结果较长的只显示开头。",
    "row_number": "行号",
    "preview_blocked": "文件中有错误的行：不勾选下面一项则一行也不导入。",
    "apply_good": "只导入无误的行",
    "apply": "导入",
    "nothing": "没有可导入的新行。",
    "applied": "已导入 {count} 条办理结果；跳过此前已导入的 {repeats} 行、尚无办理结果的 {pending} 行。",
    "refused": "文件中有 {errors} 行有误，未导入任何一行。",
    "applied_some": "已导入 {count} 条办理结果；有误的 {errors} 行未导入。",
    "back": "返回交办与反馈",
    # the 交办单 (a case's page links to it)
    "slip_link": "打印交办单",
    "slip_title": "交办单 {ref}",
    "slip_heading": "群众意见交办单",
    "slip_reference": "留言编号",
    "slip_date": "交办日期",
    "slip_by": "交办人",
    "slip_handler": "承办单位",
    "slip_deadline": "办理期限",
    "slip_category": "类别",
    "slip_target": "留言对象",
    "slip_channel": "渠道",
    "slip_text": "群众反映内容",
    "slip_name": "姓名",
    "slip_phone": "电话",
    "slip_personal_show": "在交办单上显示姓名和电话",
    "slip_personal_hint": "显示会记入办理经过（谁、何时）。",
    "slip_return": "请于办理期限前反馈办理结果，注明留言编号、工单号、办理结果、日期和承办单位。",
    "slip_sign": "承办单位签收：＿＿＿＿＿＿＿＿　　签收日期：＿＿＿＿＿＿",
    "slip_qr_title": "留言编号 {ref} 的二维码",
    # What the slip's QR code carries: the reference itself, not a link a department without an account cannot open.
    "slip_qr_caption": (
        "扫码得到留言编号 {ref}（不是网址，不需要账号），反馈办理结果时填入“留言编号”一列；"
        "开通了后台账号的承办单位也可登录后台按编号查看。"
    ),
    "slip_print": "用浏览器的“打印”打印本页（A4）。",
    "slip_not_handed": "这条留言没有交办给职能部门或 12345 热线，没有交办单。",
    "slip_case": "返回留言",
    # a handler's results on a case's page: whose they are, and who put them in (console/people.py result_source)
    "results_title": "办理结果",
    "result_from": "{handler}（承办单位）",
    "result_imported": "由 {by}导入",
    "result_recorded": "由 {by}录入",
    "result_in_timeline": "{what}，{how}",
    "result_ticket": "工单号 {ticket}",
    "result_day": "办理日期 {day}",
    "result_details": "；",  # between the parts above
    # the queue's markers
    "result_pending": "有办理结果待处理",
    "urged": "已催办",
    "urged_times": "已催办 {count} 次",
    "mark": "标记",
    "any_mark": "（不限）",
}
HANDOVER_HISTORY_TICKET = "（工单号 {ticket}）"  # a handler's result imported with the handler's ticket number
HANDOVER_DASHBOARD = {"result": "有办理结果待处理", "urged": "已催办"}

# The staff tools: `handover sheet | import`, `urge`, `note --result`.
HANDOVER_HELP = {
    "handover": "交办与反馈：导出交给承办单位的交办清单，导入承办单位交回的办理结果。",
    "sheet": (
        "导出交办清单（CSV 或 XLSX）：交办给 --handler、交办日期在 --since 与 --until 之间、尚未办结的留言，每条一行，"
        "后三列（工单号、办理结果、日期）由承办单位填写后交回，用 handover import 导入。不含姓名和电话。"
    ),
    "sheet.handler": "承办单位，与交办时写的名称相同（如 县住建局；12345 热线写 12345）。",
    "sheet.since": "交办日期从这一天起（YYYY-MM-DD）。",
    "sheet.until": "交办日期到这一天止（YYYY-MM-DD，默认不限）。",
    "sheet.format": "文件格式：csv（UTF-8，带 BOM）或 xlsx（默认按 --out 的扩展名）。",
    "sheet.out": "输出文件（整体写好后才替换）；默认 -，把 CSV 输出到屏幕。",
    "import": (
        "导入承办单位交回的办理结果（XLSX 或 CSV，列名：留言编号、工单号、办理结果、日期、承办单位）。"
        "每一行记入对应留言的办理经过（办理结果，群众看不到），保留工单号；同一行导入两次不会重复记录。"
        "有误的行逐行列出（第几行、原因）；有误时一行也不导入，除非加 --apply-good。\n\n"
        "\b\n退出码：0 每行都已导入（或此前已导入）；1 有误的行或文件无法读取；2 命令用法错误。"
    ),
    "import.today": "按这一天检查结果日期不晚于今天（YYYY-MM-DD，默认今天），用于复现输出。",
    "import.apply_good": "文件中有错误的行时，仍导入无误的行（有误的行不导入，退出码仍为 1）。",
    "urge": "催办一条逾期的留言（记入办理经过，群众看不到）。",
    "note": "给留言加一条内部备注（留言人看不到）；加 --result 则记为承办单位的办理结果。",
    "note.result": "记为承办单位的办理结果（办理结果），与后台“办理结果”相同。",
}
HANDOVER_SHORT_HELP = {
    "handover": "导出交办清单、导入办理结果。",
    "sheet": "导出交办清单。",
    "import": "导入办理结果。",
    "urge": "催办逾期留言。",
}
HANDOVER_DONE = {
    "sheet": "已导出 {count} 条交办给 {handler} 的留言到 {path}。",
    "imported": "已导入 {count} 条办理结果；跳过此前已导入的 {repeats} 行、尚无办理结果的 {pending} 行。",
    "refused": "文件中有 {errors} 行有误，未导入任何一行。改正后重新导入，或加 --apply-good 只导入无误的行。",
    "partly": "有误的 {errors} 行（见上）未导入。",
    "urged": "已催办 {ref}。",
    "result": "已为 {ref} 记录办理结果。",
}

# The second factor (二次验证: forms_api/console/totp.py, templates/staff/totp*.html), as `tt` in templates.
TOTP_TEXTS = {
    "code_title": "输入验证码",
    "code_lead": (
        "请打开手机上绑定的验证器（如微信或支付宝里的身份验证器小程序、腾讯身份验证器、Google Authenticator），"
        "输入显示的 6 位数字。"
    ),
    "code": "6 位验证码",
    "code_hint": "验证码每 30 秒更换一次；每个验证码只能用一次。",
    "verify": "验证并登录",
    "code_failed": "验证码不对或已用过，请输入验证器上最新的 6 位数字。多次输错，账号会被锁定。",
    "step_expired": "登录已超时，请重新输入登录名和密码。",
    "lost_phone": "手机丢失或换了手机：请联系代表工作机构清除二次验证，再用密码登录、重新绑定。",
    "title": "二次验证",
    "off": "本系统没有开启二次验证。",
    "enrolled": "本账号已开启二次验证：登录时在密码之后还要输入验证器上的 6 位数字。",
    "not_enrolled": "开启后，登录时在密码之后还要输入手机验证器上的 6 位数字；密码泄露时，别人仍无法登录。",
    "required": "按本系统的设置，代表工作机构的账号必须开启二次验证：完成绑定后才能继续使用后台。",
    "start": "开始绑定验证器",
    "restart": "重新生成二维码",
    "rebind": "换了手机：重新绑定验证器",
    "scan": (
        "第一步：用手机验证器扫描二维码（微信或支付宝里搜索“身份验证器”小程序，或用腾讯身份验证器、"
        "Google Authenticator）。"
    ),
    "qr_label": "绑定二次验证的二维码",
    "by_hand": (
        "无法扫码时，在验证器中选择“手动输入密钥”，输入下面的密钥（基于时间，6 位；"
        "只有字母 A–Z 和数字 2–7，O 是字母不是零）："
    ),
    "account": "账号：{login}",
    "confirm_lead": "第二步：输入验证器上显示的 6 位数字，确认绑定。",
    "confirm": "确认绑定",
    "confirm_failed": "验证码不对，请核对手机时间是否准确，输入验证器上最新的 6 位数字。",
    "done": "已开启二次验证。以后登录时，在密码之后输入验证器上的 6 位数字。",
    "keep_secret": "二维码和密钥只在本页显示，请勿截图外传；绑定后本页不再显示。",
}

HANDOVER_DASHBOARD |= {"returning": "申请退回待处理"}
HANDOVER_TEXTS |= {"returning": "申请退回"}
