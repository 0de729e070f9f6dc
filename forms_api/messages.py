"""Every text a citizen or a staff member reads from the form service, in Chinese, in one place.

Each part of the service keeps its texts in its own section below; add a new section rather than mixing them.
"""

from __future__ import annotations

from generator.deadlines import COMPLEX_DAYS, FIRST_ANSWER_DAYS  # the rule's numbers, as the site says them

# --- Workflow: statuses, events, ratings and refused transitions (forms_api/cases/, forms_api/store/) ----------------

# The five statuses of a submission, in the order of the closed loop.
STATUS_LABELS = {
    "submitted": "待受理",
    "assigned": "办理中",
    "replied": "已答复",
    "closed": "已办结",
    "reopened": "重新办理",
}

# What each event means, for a submission's history (`show`) and the citizen's timeline on the track page.
EVENT_LABELS = {
    "submitted": "提交留言",
    "assigned": "交办",
    "replied": "答复",
    "closed": "办结",
    "reopened": "重新办理",
    "rated": "评价",
    "noted": "内部备注",
    "viewed": "查看姓名和电话",
    "urged": "催办",
    "followed_up": "回访",
    "drafted": "代表答复待审核",
    "returned": "答复退回修改",
    "return_asked": "申请退回",
    "return_declined": "不同意退回",
}
# The line a case's timeline (the citizen's too) shows where a 不满意 put it under the office's supervision.
SUPERVISED_LABEL = "转入督办"
# The citizen's status of a case under 督办 that awaits the office (not 已答复: the answer was not accepted).
SUPERVISED_STATUS = "督办中"
# A `noted` event marked as a handler's result (办理结果), in the staff's timeline.
RESULT_LABEL = "办理结果"

# Who a submission is handed to.
ASSIGNEE_KIND_LABELS = {
    "deputy": "人大代表",
    "department": "职能部门",
    "hotline": "12345热线",
}

# The citizen's rating of an answer; these strings are also the values stored in the log. The last one reopens the case.
RATINGS = ("满意", "基本满意", "不满意")
RATING_REOPENS = "不满意"

# Why a case was closed without an answer, as its citizen reads it on the tracking page (the `told` of a `closed`
# event: one of these keys; the staff's own reason stays internal). Keys are stored in the log: add, never rename.
CLOSED_TOLD = {
    "duplicate": "与您的另一条留言内容相同，已按那一条办理。",
    "withdrawn": "您已撤回这条留言。",
    "unclear": "留言没有具体事项，也无法联系到您核实。",
    "elsewhere": "反映的事项不属于代表联系群众的范围，请拨打 12345 热线或向有关部门反映。",
}

# How the actor "citizen" (the `by` of the citizen's own events) is shown to staff.
CITIZEN_LABEL = "群众"

# WorkflowError messages: a transition that makes no sense in the submission's current state.
WORKFLOW_ERRORS = {
    "not_found": "找不到该留言，请核对编号。",
    "exists": "留言编号 {ref} 已存在。",
    "unknown_event": "未知的操作：{event_type}。",
    "assign_replied": "该留言已答复，不能再交办；如需交给其他承办者继续办理，请转办，或先重新办理。",
    "assign_closed": "该留言已办结，不能交办；如需继续办理，请先重新办理。",
    "reply_replied": "该留言已答复；如需修改答复，请先重新办理。",
    "reply_closed": "该留言已办结，不能再答复；如需继续办理，请先重新办理。",
    "close_closed": "该留言已办结。",
    "reopen_open": "该留言仍在办理中，无需重新办理。",
    "rate_no_answer": "该留言尚未答复，暂不能评价。",
    "rate_reopened": "该留言正在重新办理，请在收到新的答复后再评价。",
    "rate_twice": "该答复已评价过，不能重复评价。",
    "urge_answered": "该留言已答复或已办结，无需催办。",
    "urge_unassigned": "该留言尚未交办，没有可催办的承办者；请先交办。",
    "urge_not_overdue": "该留言尚未逾期，不能催办。",
    "handover_unassigned": "该留言尚未交办，请先交办，再转办。",
    "handover_same": "该留言现在就由{holder}办理：转办要交给另一位代表、另一个职能部门或 12345 热线。",
    "reply_unassigned": "该留言尚未交办，不能答复；请先交办（代表工作机构也可交办给自己），再答复。",
    "close_rating_window": (
        "答复后 {days} 天内群众可以评价，该留言自 {from} 起才能办结；如确需提前办结，请选择强制办结并写明理由。"
    ),
    "close_force_reason": "强制办结须写明理由。",
    "reopen_limit": "该留言已重新办理两次，不能再重新办理；请由代表工作机构督办。",
    "followup_no_answer": "该留言尚未答复，暂不能记录回访。",
    "assign_keeps_deadline": "该留言已在办理中，答复期限 {deadline} 不变；如需换承办者，请转办（期限和复杂件不变）。",
    "draft_pending": "已有一份答复在等待审核，请等审核后再答复。",
    "review_no_draft": "该留言没有等待审核的答复。",
    "return_answered": "该留言已答复或已办结，不能申请退回。",
    "return_unassigned": "该留言尚未交办，没有可退回的承办者。",
    "return_pending": "已申请退回，正在等待代表工作机构处理（转办，或不同意退回）。",
    "return_none": "该留言没有待处理的退回申请。",
    "return_not_yours": "该留言没有交办给您，不能申请退回。",
}

# The log cannot be written (disk full, I/O error): the API answers 503 with this text.
QUEUE_UNAVAILABLE = "系统暂时无法保存，请稍后再试。您的留言尚未提交成功。"

# --- end of workflow --------------------------------------------------------------------------------------------------


# --- Form service API: field errors, HTTP errors and the service's own HTML pages (forms_api/public/, ---------------
# --- forms_api/security.py, forms_api/templates/) ---------------------------------------------------------------------


# How each field is called in messages and on the error page.
FIELD_LABELS = {
    "target": "留言对象",
    "category": "留言类别",
    "text": "留言内容",
    "name": "姓名",
    "phone": "联系电话",
    "consent": "同意隐私说明",
    "anonymous": "匿名",
    "website": "网址",
    "code": "查询码",
    "reference": "留言编号",
    "rating": "评价",
    "comment": "评价意见",
    "body": "提交内容",
    "request_id": "提交编号",
    "notify": "短信通知",
    "verify_code": "短信验证码",
}
# Where a form calls a field otherwise, by the endpoint it posts to: the evaluation asks for a 手机号码.
FIELD_LABELS_BY_FORM = {"api.evaluate": {"phone": "手机号码"}}

# One message per problem; `{label}` is the field's label, other `{...}` are filled in by forms_api/public/schema.py.
FIELD_ERRORS = {
    "unknown_field": "不支持这一项，请使用网页上的表单提交。",
    "duplicate_field": "{label}只能填写一次。",
    "wrong_type": "{label}格式不正确。",
    "bad_chars": "{label}含有无法识别的字符（如控制字符），请删除后重试。",
    "body_invalid": "提交的内容无法识别，请刷新页面后重试。",
    "request_id_bad": "提交编号无法识别，请刷新页面后重新提交。",
    "target_missing": "请选择留言对象。",
    "target_unknown": "找不到这位代表或这个联络站，请从代表或联络站的页面留言。",
    "target_former": "这位代表已离任，不再接收留言，请向所在地的代表联络站留言。",
    "category_missing": "请选择留言类别。",
    "category_unknown": "请从以下类别中选择：{categories}。",
    "text_missing": "请填写留言内容。",
    "text_short": "留言内容太短，请至少写 {min} 个字。",
    "text_long": "留言内容太长：最多 {max} 个字，现在是 {length} 个字，请删去 {over} 个字后再提交。",
    "name_long": "姓名不能超过 {max} 个字。",
    "phone_missing": "请留下手机号码或固定电话，以便答复您。",
    "phone_invalid": "电话号码格式不正确：手机号码是 11 位数字，固定电话请带区号，如 010-12345678。",
    "consent_missing": "请阅读并同意隐私说明后再提交。",
    "code_missing": "请填写查询码，或者填写留言编号和留言时留的电话。",
    "reference_missing": "请填写留言编号。",
    "reference_invalid": "留言编号格式不正确，应为年份加六位数字，如 2026-000001。",
    "lookup_phone_missing": "请填写留言时留的电话号码。",
    "lookup_both": "请只填写查询码，或者只填写留言编号和电话，不要同时填写。",
    # a 留言编号 typed into the 查询码 box: it finds the case only with the phone, in the form for both
    "code_is_reference": (
        "您填的是留言编号，不是查询码。用留言编号查询还要填留言时留的电话，请在“用留言编号和电话查询”里填写。"
    ),
    "rating_invalid": "请选择评价：满意、基本满意或不满意。",
    "comment_long": "评价意见不能超过 {max} 个字。",
    "target_not_deputy": "年度满意度评价只针对人大代表，请从代表的页面评价。",
    "mobile_missing": "请填写手机号码。",
    "mobile_invalid": "手机号码格式不正确：请填写 11 位手机号码。",
    "notify_mobile": "短信通知只能发到手机：请填写 11 位手机号码，或不勾选“有进展时短信通知我”。",
    "notify_off": "本站暂未开通短信通知，请不勾选“有进展时短信通知我”，凭查询码查看进度。",
    "verify_code_missing": "要开通短信通知，请先点“获取验证码”，再填写手机收到的 6 位验证码。",
    "verify_code_invalid": "验证码是手机短信里的 6 位数字，请核对后重新填写。",
    "verify_code_wrong": "验证码不正确或已过期（5 分钟内有效），请核对，或重新获取验证码。",
    "verify_code_locked": "验证码输错次数太多，请 10 分钟后重新获取验证码。",
    "verify_off": "本站没有开启短信验证码，无需获取。",
    "verify_too_often": "这个手机号码获取验证码太频繁，请{wait}后再试。",
    "verify_not_sent": "验证码短信暂时发送不出去，请稍后再试，或不勾选短信通知直接提交。",
}

# Answers that are not about one field. Keys are HTTP status codes or names.
# How long a refused (429) client must wait, in the 429 message: seconds, minutes or hours, rounded up.
WAIT_SECONDS = " {n} 秒"
WAIT_MINUTES = " {n} 分钟"
WAIT_HOURS = " {n} 小时"

API_ERRORS = {
    400: "请求无法处理，请检查后重试。",
    403: "拒绝访问。",
    "forbidden_origin": "请从本站的页面提交。",
    404: "没有找到这个地址。",
    "code_not_found": "没有找到对应的留言。请检查查询码，或者留言编号和电话号码是否完整、正确。",
    405: "不支持这种请求方式。",
    # the same, for a browser that opens a form's address as a page (history, a restored tab, a bookmark)
    "not_a_page": (
        "这个页面只在提交表单后显示一次，不能从浏览记录或书签再次打开。要留言或评价，请从首页找到代表或联络站，"
        "在其页面上填写后提交。"
    ),
    "not_a_page_track": (
        "这个页面只在提交查询或评价后显示一次，不能从浏览记录或书签再次打开。请回到“查询进度”页面重新查询。"
    ),
    413: "提交的内容太长，请删减后重试。",
    415: "不支持这种提交格式，请使用网页上的表单提交。",
    429: "操作太频繁，请稍后再试。",
    "rate_limited": "操作太频繁，请{wait}后再试。",
    500: "系统出现错误，请稍后再试。",
    503: "系统暂时无法使用，请稍后再试。",
    "targets_unavailable": "系统暂时无法核对留言对象，请稍后再试。您的留言尚未提交成功。",
    "evaluated_twice": (
        "这个手机号码今年已经评价过这位代表。每个手机号码每年只能对同一位代表评价一次，明年可以再次评价。"
    ),
}

# The service's own pages, for the plain HTML form (JavaScript off) and the no-JavaScript track and rating forms.
PAGE_TEXTS = {
    "site_title": "码上找代表",
    "receipt_title": "留言已提交",
    "receipt_lead": "感谢您的留言！我们会尽快办理并答复您。",
    "duplicate_lead": (
        "您刚才已经提交过相同的留言，我们已经收到，无需重复提交。请用第一次提交后显示的查询码，或留言编号和留言时留的"
        "电话，查询办理进度。两样都没有记下的，请拨打代表页面上的联络站电话，说明留言的对象、时间和内容，"
        "工作人员会告诉您留言编号。"
    ),
    "reference": "留言编号",
    "reference_hint": "打电话咨询时，请提供留言编号。",
    "tracking_code": "查询码",
    "tracking_code_hint": "凭查询码可以查看办理进度和答复，并对答复进行评价。请抄下或截图保存，不要告诉他人。",
    "check_now": "查看办理进度",
    "picture_title": "保存回执图片",
    "picture_lead": (
        "下面这张图片上有留言编号、查询码和二维码。请保存到手机相册，以后用手机扫一扫图中的二维码就能查看办理进度。"
    ),
    "picture_alt": "留言回执图片：留言编号 {reference}，查询码 {code}，以及查询办理进度的二维码",
    "picture_download": "保存图片到手机",
    "receipt_gone_title": "回执已关闭",
    "receipt_gone_lead": (
        "为保护您的信息，回执页面只在提交后短时间内显示。"
        "请在“查询进度”页面输入查询码，或者输入留言编号和留言时留的电话查看办理进度。"
    ),
    "track_by_reference_hint": "忘记查询码也没关系：在“查询进度”页面输入留言编号和留言时留的电话，同样可以查看。",
    "track_page": "以后随时可在“查询进度”页面输入查询码查看",
    "home": "返回首页",
    "track_again": "返回查询进度，重新查询",
    "errors_title": "请修改后重新提交",
    "errors_lead": "以下内容需要修改：",
    # the no-JS answer to a 留言编号 typed as the 查询码: the /track/ page's other form, the number filled in
    "by_reference_title": "用留言编号和电话查询",
    "by_reference_label": "留言编号",
    "by_reference_phone": "留言时留的电话",
    "by_reference_submit": "用编号和电话查询",
    "back_hint": "请使用浏览器的“后退”按钮返回表单修改，已填写的内容一般会保留。",
    "back_keep_hint": "请使用浏览器的“后退”按钮返回表单，已填写的内容一般会保留。",
    "problem_title": "未能完成",
    "status_title": "办理进度",
    "status_gone_title": "查询结果已关闭",
    "status_gone_lead": "为保护您的信息，查询结果只在查询后短时间内显示。请重新查询。",
    "status": "办理状态",
    "category": "留言类别",
    "target": "留言对象",
    "submitted_at": "提交时间",
    # a case staff registered (线下登记) instead of 提交时间: how it came in, the day it was said, when registered
    "offline": "线下登记",
    "offline_received": "{channel}，{said} 收到；{registered} 登记",
    "handled_by": "承办",
    "deadline": "答复期限",
    # before 交办 the due day is the office's to hand the case on by; the answer's deadline is set at 交办
    "assign_by": "交办期限",
    "assign_by_hint": "这不是答复日期：工作人员最迟在这一天把留言交给代表或有关部门办理；交办后会定下答复期限。",
    "assigned_on": "（{day}已交办）",
    "step_deadline": "（答复期限 {deadline}）",
    "answer": "答复",
    "replied_at": "答复时间",
    "no_answer_yet": "尚未答复，请耐心等待。",
    "closed_without_answer": "该留言已办结，未作书面答复。",
    "closed_told": "原因：{told}",
    "supervised": "已转入督办",
    "supervised_at": "转入督办",
    "supervised_hint": "代表工作机构正在督促办理，办理进展和结果会在本页公布。",
    "closed_at": "办结时间",
    "rating": "您的评价",
    "timeline": "办理经过",
    "rate_title": "评价答复",
    "rate_lead": "您对答复满意吗？",
    "comment": "评价意见（选填）",
    "rate_submit": "提交评价",
    "reopens": "（将重新办理）",  # after the rating that reopens the case (RATING_REOPENS)
    "supervises": "（将转交代表工作机构督办）",  # after a RATING_REOPENS that no longer reopens it
    "rated_thanks": "感谢您的评价！",
    "rated_reopened": "感谢您的评价！我们会重新办理您的留言。",
    "rated_supervised": "感谢您的评价！您的留言已转交代表工作机构督办，由其督促办理；办理进展可在本页查询。",
    "deputy": "代表",
    "station": "联络站",
    "evaluated_title": "评价已提交",
    "evaluated_lead": "感谢您对代表履职情况的评价！",
    "evaluated_deputy": "被评价的代表",
    "evaluated_year": "评价年度",
    "evaluated_year_value": "{year} 年",
    "evaluated_rating": "您的评价",
    "evaluated_hint": "每个手机号码每年只能对同一位代表评价一次。您的手机号码不会被保存，评价意见不会公开。",
}
# The receipt picture (forms_api/public/picture.py): what a citizen saves on the phone.
PICTURE_TEXTS = {
    "title": "码上找代表 · 留言回执",
    "reference": "留言编号（打电话咨询时请提供）",
    "code": "查询码（不要告诉他人）",
    "footer": ("用手机扫一扫上面的二维码，", "就能查看办理进度和答复。"),
}
DATETIME_FORMAT = "{year}年{month}月{day}日 {hour:02d}:{minute:02d}"
DATE_FORMAT = "{year}年{month}月{day}日"

# --- end of form service API ------------------------------------------------------------------------------------------


# --- Staff tools: `python -m forms_api ...` (forms_api/staff/) -------------------------------------------------------

# Help texts, by command; options under "<command>.<option>" (or "*.<option>" for an option several commands share).
STAFF_HELP = {
    "main": (
        "码上找代表 留言办理工具：查看、交办、答复、办结、导出和统计群众留言。\n\n"
        "每个办理操作都记入留言的办理经过（谁、何时、做了什么）。\n\n"
        "\b\n退出码：0 成功；1 操作被拒绝、找不到留言、队列或文件无法使用；2 命令用法错误。"
    ),
    "main.queue": (
        "留言队列目录或 postgresql:// 数据库地址（默认：环境变量 FORMS_QUEUE_URL 或 FORMS_QUEUE_DIR，"
        "否则为项目目录下的 var/queue；与留言服务相同）。"
    ),
    "main.debug": (
        "排查用：办理操作被拒绝或留言队列无法使用时，显示完整的 Python 调用栈（程序意外出错时总会显示）；"
        "找不到留言、参数或文件有误等错误仍只显示错误说明。"
    ),
    "*.by": "办理人，记入办理经过（默认：环境变量 FORMS_STAFF，否则为当前登录名）。",
    "*.today": "按这一天计算逾期和期限（YYYY-MM-DD，默认今天），用于复现输出。",
    "*.holidays": (
        "节假日文件（YAML 或 JSON）：日期列表，或含 holidays（放假日）和 workdays（调休上班日）两个列表的映射"
        "（默认：环境变量 FORMS_HOLIDAYS）。"
    ),
    "*.status": (
        "只要这些状态（可重复）：待受理、办理中、已答复、已办结、重新办理，"
        "或 submitted、assigned、replied、closed、reopened。"
    ),
    "*.target": "只要给这个对象的留言，如 deputy:zhang-san 或 station:qingshi-zhan。",
    "*.station": (
        "只要给这个联络站的留言，以及给驻该站代表的留言。驻站代表从已生成的网站查（见 --site）；"
        "没有指定网站、默认位置也没有网站时，只匹配直接给联络站的留言。"
    ),
    "*.site": (
        "已生成的网站目录：从其中的 data/deputies.json 和 stations.json 查留言对象（代表、联络站）的名称、"
        "驻站代表（--station）和代表姓名（assign）；查不到名称时显示编号（默认：环境变量 FORMS_SITE_DIR，"
        "否则为项目目录下的 site；与留言服务相同）。"
    ),
    "*.overdue": "只要逾期未答复的留言。",
    "*.all": "也包括已办结的留言（默认只要未办结的）。",
    "list": (
        "列出留言，每条一行：编号、状态、类别、渠道、留言对象、期限、承办、内容的前 30 个字。"
        "期限写明是哪一种：尚未交办的是“交办期限”（代表工作机构在这一天前交办），已交办的是交办时定下的“答复期限”。"
        "逾期的排在最前，其余按期限和编号排序。默认只列未办结的留言；不显示姓名和电话。"
    ),
    "show": (
        "显示一条留言的全部情况：状态、时间、对象（名称和编号）、类别、内容、承办、期限、答复、评价、内部备注和办理经过。"
        "姓名和电话只在加 --personal 时显示。"
    ),
    "show.personal": "显示留言人的姓名和电话；这次查看记入办理经过（谁、何时）。",
    "assign": (
        "把留言交办给代表、职能部门或 12345 热线，并定下答复期限："
        f"默认从今天起 {FIRST_ANSWER_DAYS} 个工作日，复杂件 {COMPLEX_DAYS} 个工作日。"
    ),
    "assign.to": "交办给谁：deputy（人大代表）、department（职能部门）或 hotline（12345热线）。",
    "assign.name": (
        "承办者，群众凭查询码可以看到：交办给职能部门时必填，写承办单位账号上的单位名称（还没有账号的加 --new-unit）；"
        "给代表时默认为留言对象代表的姓名（从已生成网站的 "
        "data/deputies.json 查找，找不到时请用 --name 写明）；给热线时默认为 12345，群众看到“12345热线”。"
    ),
    "assign.new_unit": (
        "该部门还没有承办单位账号，仍按 --name 写的名称交办（如同后台勾选“该单位还没有账号”）。"
        "不加时，部门名称须是某个承办单位账号上的单位名称，否则拒绝并列出相近的名称。"
    ),
    "assign.complex": f"是否为复杂件（{COMPLEX_DAYS} 个工作日）；默认沿用留言原有的标记。",
    "assign.deadline": "直接指定答复期限（YYYY-MM-DD），不按工作日推算。",
    "assign.today": "从这一天起推算答复期限（YYYY-MM-DD，默认今天）。",
    "reply": "答复留言。答复是公开的：留言人凭查询码可以看到，并可以评价。",
    "reply.answer": "答复内容；写 - 则从标准输入读取。",
    "reply.answer_file": "从文件（UTF-8）读取答复内容。",
    "reply.deputy": (
        "以该代表（编号或完整姓名）的名义答复：写给该代表、尚未交办的留言，先交办给该代表再答复（同一次写入，"
        "答复期限从今天起算）；开启代表答复审核时，答复等待审核。"
    ),
    "close": (
        "办结留言。已答复、群众尚未评价（也未回访）的，须等答复后的评价期（RATING_WINDOW_DAYS，默认 7 天）"
        "过后才能办结。"
    ),
    "close.reason": "办结说明（仅内部可见；强制办结时必填）。",
    "close.tell": (
        "尚未答复的留言：告诉群众为什么没有答复（群众在查询进度页面看到）。"
        + "；".join(f"{key}：{text}" for key, text in CLOSED_TOLD.items())
    ),
    "reopen": "重新办理已答复或已办结的留言；答复期限从今天起重新计算。",
    "reopen.reason": "重新办理的原因。",
    "note": "给留言加一条内部备注（留言人看不到）。",
    "note.text": "备注内容。",
    "export": (
        "把留言导出为 CSV 或 XLSX，交给职能部门或 12345 热线。以 = + - @ 等开头的单元格前加单引号，"
        "不会被当作公式执行。默认只导出未办结的留言，不含姓名和电话。"
        "“留言对象”列是名称（如 王秀兰（代表）），“留言对象编号”列是编号（如 deputy:wang-xiulan）。"
        "“答复期限”列只填交办时定下的答复期限，尚未交办的留言为空；最后一列“交办期限”是代表工作机构交办的期限，"
        "交办后仍保留（与群众查询进度页面一致）。"
    ),
    "export.format": "文件格式：csv（UTF-8，带 BOM，Excel 可直接打开）或 xlsx。",
    "export.out": "输出文件（整体写好后才替换）；写 - 则把 CSV 输出到屏幕（不能与 --personal 同用）。",
    "export.personal": "包含姓名和电话；文件权限设为 0600（仅本人可读）。请妥善保管，用完删除。",
    "stats": (
        "统计：各状态件数、逾期件数、按期答复率、首次答复用时中位数、评价分布和代表年度评价。不含个人信息。"
        "加 --public 则为网站写出每位代表、每个联络站的公开统计（JSON 文件，生成网站时读取）。"
    ),
    "stats.public": (
        "为网站写出公开统计：每位代表和每个联络站的收到、答复、按期答复件数，答复用时中位数，评价分布，"
        "以及代表的年度评价；留言不足 --min-submissions 条的只标明“too_few”，不公布数字。不含个人信息。"
    ),
    "stats.out": (
        "公开统计的输出文件（整体写好后才替换；默认：项目目录下的 var/public/stats.json，网站生成时从这里读取）。"
    ),
    "stats.min_submissions": "公布数字所需的最少留言数（年度评价同样按年计算），默认 5。",
}

# One line per command in the group's command list (click cuts its own at a full stop, which "。" is not).
STAFF_SHORT_HELP = {
    "list": "列出留言（逾期的在前）。",
    "show": "显示一条留言的全部情况。",
    "assign": "交办留言并定下答复期限。",
    "reply": "答复留言（公开）。",
    "close": "办结留言。",
    "reopen": "重新办理留言。",
    "note": "添加内部备注。",
    "export": "导出为 CSV 或 XLSX。",
    "stats": "统计办理情况。",
}
# The receipt picture (forms_api/public/picture.py) without its font: said in the service's log, to the operator.
RECEIPT_NO_FONT = (
    "回执图片缺少中文字体 {name}（在 {folders} 中没有找到）：图片上的中文会显示成方框。"
    "请安装字体：apt-get install -y fonts-noto-cjk，然后重启服务。"
)

# Errors; the command line prints them as STAFF_ERROR and exits with code 1.
STAFF_ERROR = "错误：{message}"
STAFF_NOT_FOUND = "找不到编号为 {ref} 的留言，请核对编号（形如 2026-000123）。"
STAFF_NO_QUEUE = "找不到留言队列 {path}：请用 --queue 或环境变量 FORMS_QUEUE_DIR 指定队列目录。"
STAFF_QUEUE_NOT_STARTED = (
    "留言队列目录 {path} 已有，但还没有留言记录（events.jsonl）：表单服务收到第一条留言时会创建它。"
    "请先启动表单服务（systemctl start mashang-forms），或检查 --queue 是否指向了正确的目录。"
)
STAFF_QUEUE_UNAVAILABLE = "留言队列无法使用：{reason}"
STAFF_BAD_SETTING = "设置有误：{reason}"
STAFF_NO_ACTOR = "无法确定办理人，请用 --by 或环境变量 FORMS_STAFF 指定。"
STAFF_BAD_ACTOR = "办理人“{by}”不可用：不能为空、不能含控制字符，也不能是 citizen。"
STAFF_BAD_DATE = "“{value}”不是日期，应形如 2026-12-01。"
STAFF_BAD_STATUS = "未知的状态“{value}”，可选：{choices}。"
STAFF_BAD_TARGET = "“{value}”不是留言对象，应形如 deputy:zhang-san 或 station:qingshi-zhan。"
STAFF_BAD_STATION = "“{value}”不是联络站编号（小写字母、数字和连字符）。"
STAFF_SITE_MISSING = "找不到 {path}：请先生成网站，或用 --site 指定已生成的网站目录。"
STAFF_SITE_INVALID = "无法读取 {path}：{reason}"
STAFF_HOLIDAYS_INVALID = "节假日文件 {path} 有误：{reason}"
STAFF_HOLIDAYS_SHAPE = "应为日期列表，或含 holidays、workdays 两个日期列表的映射"
STAFF_HOLIDAYS_DATE = "“{value}”不是日期（YYYY-MM-DD）"
STAFF_NAME_REQUIRED = "交办给职能部门时，请用 --name 写明部门名称。"
STAFF_DEPUTY_NAME_REQUIRED = "这条留言的对象不是代表，交办给代表时请用 --name 写明代表姓名。"
STAFF_DEPUTY_NAME_NO_SITE = (
    "找不到 {path}，查不到代表 {deputy} 的姓名：请用 --name 写明代表姓名，或用 --site 指定已生成的网站目录。"
)
STAFF_DEPUTY_NAME_UNKNOWN = "{path} 中没有代表 {deputy} 的姓名：请用 --name 写明代表姓名。"
STAFF_DEADLINE_PAST = "答复期限 {deadline} 早于今天（{today}）。"
STAFF_DEADLINE_FAR = (
    "答复期限 {deadline} 晚于 {days} 天后（{latest}）：请核对日期。期限定下后不能再改；"
    "办理需要更长时间的，请按期答复办理进展，或标为复杂件。"
)
STAFF_TEXT_EMPTY = "{what}不能为空。"
STAFF_TEXT_CONTROL = "{what}含有控制字符，请删除后重试。"
STAFF_TEXT_WHAT = {
    "answer": "答复内容",
    "reason": "原因",
    "note": "备注内容",
    "result": "办理结果",
    "name": "承办者名称",
    "by": "办理人",
}
STAFF_ANSWER_SOURCE = "请用 --answer 或 --answer-file 给出答复内容（二者只用其一）。"
STAFF_READ_FAILED = "无法读取 {path}：{reason}"
STAFF_WRITE_FAILED = "无法写入 {path}：{reason}"
STAFF_PERSONAL_STDOUT = "含个人信息的导出不能输出到屏幕，请用 --out 指定文件。"
STAFF_FORMAT_SUFFIX = "--format {format} 与文件名的 .{suffix} 不符：请把文件名改为 .{format}，或去掉 --format。"
STAFF_XLSX_STDOUT = "XLSX 文件不能输出到屏幕，请用 --out 指定文件，或改用 --format csv。"

# What each action reports when its event is stored.
STAFF_DONE = {
    "assigned": "已交办 {ref}：{assignee}，答复期限 {deadline}。",
    "replied": "已答复 {ref}。",
    "closed": "已办结 {ref}。",
    "reopened": "已重新办理 {ref}，答复期限 {deadline}。",
    "noted": "已为 {ref} 添加内部备注。",
}
STAFF_EXPORTED = "已导出 {count} 条留言到 {path}。"
STAFF_EXPORTED_PERSONAL = "已导出 {count} 条留言到 {path}（含姓名和电话，文件仅本人可读；用完请删除）。"

# Cells and columns shared by `list`, `show` and `export`.
STAFF_UNASSIGNED = "未交办"
STAFF_HOTLINE_NUMBER = "12345"
STAFF_NO_DEADLINE = "-"
STAFF_OVERDUE = "逾期 {days} 天"
# `list`: one column of deadlines, each named by its kind (交办期限 before 交办, else 答复期限), as the console's list
# names each row's; the exports give each kind its own column (STAFF_EXPORT_ASSIGN_BY).
STAFF_LIST_HEADER = ("编号", "状态", "类别", "留言对象", "期限", "承办", "内容")
STAFF_LIST_DEADLINE = "{label} {deadline}"
STAFF_LIST_COUNT = "共 {count} 条，其中逾期 {overdue} 条。"
STAFF_EXPORT_COLUMNS = ("编号", "状态", "类别", "留言对象", "提交时间", "答复期限", "承办", "留言内容", "答复")
STAFF_EXPORT_PERSONAL_COLUMNS = ("姓名", "电话")
STAFF_EXPORT_TARGET_ID = "留言对象编号"  # after the personal ones; then the channel, the loop columns, 交办期限
# The very last column: the day the office hands the case on by (交办期限), kept after 交办 as the tracking page keeps
# it; 答复期限 (the sixth column) is then only the deadline 交办 set, empty before it.
STAFF_EXPORT_ASSIGN_BY = "交办期限"
# A target by the name citizens know it by (from the built site's data; its id when the name is unknown), and the kind
# as the status page shows it: PAGE_TEXTS["deputy"] or ["station"]. `show` adds the id staff act on.
STAFF_TARGET = "{name}（{kind}）"
STAFF_TARGET_WITH_ID = "{name}（{kind}，{target}）"
STAFF_EXPORT_SHEET = "留言"

# `show`: one "label：value" line each, then the text, the notes and the history as indented blocks.
STAFF_SHOW_TITLE = "留言 {ref}"
STAFF_SHOW_LABELS = {
    "status": "状态",
    "target": "留言对象",
    "category": "类别",
    "submitted": "提交时间",
    "name": "姓名",
    "phone": "电话",
    "sms": "短信通知办理进展",
    "anonymous": "公开时匿名",
    "complex": "复杂件",
    "assignee": "承办",
    "deadline": "答复期限",
    "assign_by": "交办期限",  # the due day of a case nobody handles yet: the office's to hand it on by
    "answer": "答复",
    "replied": "答复时间",
    "closed": "办结时间",
    "close_reason": "办结说明",
    "reopened": "重新办理时间",
    "rating": "评价",
    "rating_comment": "评价意见",
    "text": "留言内容",
    "results": "办理结果",
    "notes": "内部备注",
    "history": "办理经过",
}
STAFF_FIELD = "{label}：{value}"
STAFF_HIDDEN = "（已隐去，加 --personal 显示）"
STAFF_NOT_GIVEN = "（未填写）"
STAFF_NONE = "无"
STAFF_YES = "是"
STAFF_NO = "否"
STAFF_HISTORY_ASSIGNED = "：{assignee}，答复期限 {deadline}"
STAFF_HISTORY_COMPLEX = "（复杂件）"
STAFF_HISTORY_DETAIL = "：{detail}"
STAFF_HISTORY_REOPENS = "（重新办理）"
STAFF_HISTORY_SUPERVISED = "（转入督办）"
STAFF_HISTORY_FORCED = "（强制办结）"
STAFF_HISTORY_TOLD = "（告知群众：{told}）"
STAFF_HISTORY_HANDOVER = "转办"
STAFF_HISTORY_APPROVED = "（审核通过 {by} 的答复）"

# `stats`.
STAFF_STATS_TITLE = "留言统计（截至 {today}）"
STAFF_STATS_STATUSES = "状态：{items}，合计 {total}"
STAFF_STATS_ITEM = "{label} {count}"
STAFF_STATS_OVERDUE = "逾期未答复：{count}"
STAFF_STATS_IN_TIME = "按期答复率：{percent}（已答复 {answered} 件，其中 {in_time} 件在期限内首次答复）"
STAFF_STATS_MEDIAN = "首次答复用时中位数：{days}"
STAFF_STATS_DAYS = "{days:.1f} 天"
STAFF_STATS_RATINGS = "评价（共 {count} 次）：{items}"
STAFF_STATS_NONE = "-"
STAFF_STATS_EVALUATIONS = "{year} 年代表年度评价（共 {count} 次）：{items}"
STAFF_PUBLIC_ONLY = "--out 和 --min-submissions 只能与 --public 一起使用。"
STAFF_PUBLIC_STATS_DONE = (
    "已写入公开统计 {path}：{deputies} 位代表、{stations} 个联络站；"
    "其中 {too_few} 个（代表或联络站）留言不足 {min} 条，不公布其数字。"
    "不含个人信息。"
)
STAFF_LIST_SEPARATOR = "，"

# The workflow's further steps (forms_api/staff/workflow.py, `close --force`, `list --supervised`).
STAFF_HELP |= {
    "close.force": "强制办结：在评价期内提前办结，须用 --reason 写明理由。",
    "*.supervised": "只要转入督办的留言（第二次“不满意”后由代表工作机构督办）。",
    "transfer": (
        "转办：把留言转给其他承办者。办理中的留言答复期限和复杂件标记不变；已答复的留言（答复后继续转办）"
        "从今天起重新计算答复期限。"
    ),
    "followup": "记录一次回访：电话或上门回访时群众对办理结果的满意程度。群众的查询页面只显示“回访”，不显示内容。",
    "followup.satisfaction": "群众的满意程度：满意、基本满意或不满意。",
    "followup.note": "回访情况（选填，仅内部可见）。",
    "approve": "审核通过代表的答复：答复随即公开，留言人凭查询码可以看到（STAFF_DEPUTY_REVIEW 开启时）。",
    "send-back": "把代表的答复退回修改（不公开），并写明意见。",
    "send-back.note": "退回的意见（仅内部可见）。",
    "*.yes": "不再询问，直接公开（用于脚本）；不加时先显示将公开的答复，确认后才公开。",
}
STAFF_SHORT_HELP |= {
    "transfer": "转办留言（答复后也可以）。",
    "followup": "记录回访。",
    "approve": "审核通过代表的答复。",
    "send-back": "退回代表的答复。",
}
STAFF_DONE |= {
    "transferred": "已转办 {ref}：{assignee}，答复期限 {deadline}。",
    "followed_up": "已记录 {ref} 的回访：{satisfaction}。",
    "approved": "已审核通过 {ref} 的答复，群众现在可以看到。",
    "returned": "已把 {ref} 的答复退回修改。",
}
# After a workflow refusal, how to do it with the staff tools (by WorkflowError.code).
STAFF_WORKFLOW_HINTS = {
    "close_rating_window": "（命令行：close --force --reason 理由）",
    "assign_replied": "（命令行：transfer）",
    "assign_keeps_deadline": "（命令行：transfer）",
}
STAFF_SHOW_SUPERVISED = "督办"
STAFF_PUBLISH_PREVIEW = "留言 {ref} 的答复将公开，留言人凭查询码可以看到："
STAFF_PUBLISH_CONFIRM = "确认公开这条答复？"
STAFF_NOT_PUBLISHED = "未公开：答复没有保存。"
STAFF_STDIN_NEEDS_YES = "从标准输入读取答复时无法再询问确认，请加 --yes。"
STAFF_SHOW_DRAFT = "待审核的答复（{by}，{at}）"

# --- end of staff tools -----------------------------------------------------------------------------------------------


# --- Operations: retention, backup and restore (forms_api/cases/retention.py, forms_api/store/backup.py; the --------
# --- commands `purge`, `backup` and `restore` in forms_api/staff/operations.py) ---------------------------------------

OPS_HELP = {
    "purge": (
        "匿名化办结满保存期限的留言：删除姓名和电话，留言内容、答复、评价意见和备注中的电话号码（7 位以上的数字）"
        "和留言人姓名换成占位符；删除满保存期限的年度评价中的评价意见。"
        "重写留言队列（整体写好后才替换，服务运行时也安全）；再次运行不会重复修改。"
        "由系统定时任务每天运行一次。"
    ),
    "purge.days": "保存期限：办结满这么多天的留言被匿名化（默认：环境变量 FORMS_RETENTION_DAYS，否则 365）。",
    "purge.today": "按这一天计算（YYYY-MM-DD，默认今天），用于复现。",
    "purge.dry_run": "只统计将被匿名化的留言，不做任何修改。",
    "backup": (
        "备份留言队列：服务运行时也能得到一致的副本（不含写了一半的记录）。"
        "DEST 是目录或没有扩展名时，在这个目录（不存在则新建）中新建带时间的文件 "
        "mashang-queue-YYYYMMDDTHHMMSS.jsonl；否则（如 backup.jsonl）写入 DEST 这个文件。"
        "备份含个人信息，文件权限为 0600。队列在 PostgreSQL 时，同名的 .pgdump 文件是同一时刻的 pg_dump 转储"
        "（自定义格式），两者一起保管。年度评价的密钥从不进备份，请另行保管。"
    ),
    "backup.keep": "备份到目录时，只保留最新的这么多份，更早的删除（默认全部保留）。",
    "restore": (
        "用备份文件恢复留言队列（整体替换，服务运行时也安全）。队列中有备份里没有的记录（即队列比备份新）时拒绝恢复，"
        "除非加 --force。恢复后立即按保存期限匿名化，与每天的 purge 相同。"
        "FILE 是 .pgdump 时，用 pg_restore 整体恢复 PostgreSQL 数据库（表结构、记录、后台账号、答复模板），"
        "再与同名的 .jsonl 逐字节核对；这时请先停止服务。"
    ),
    "restore.force": "即使队列比备份新也覆盖（队列中备份里没有的记录将丢失；请先用 backup 备份当前队列）。",
}
OPS_SHORT_HELP = {
    "purge": "匿名化办结满保存期限的留言。",
    "backup": "备份留言队列。",
    "restore": "用备份恢复留言队列。",
}

# Stand-ins for what anonymising removes from free texts.
MASK_NUMBER = "［号码已删除］"
MASK_NAME = "［姓名已删除］"

PURGE_DONE = (
    "已匿名化 {count} 条办结满 {days} 天（{cutoff} 及以前办结）的留言，改写 {events} 条记录；{already} 条此前已匿名化。"
)
PURGE_DRY_RUN = (
    "试运行，未做任何修改：将匿名化 {count} 条办结满 {days} 天（{cutoff} 及以前办结）的留言，改写 {events} 条记录；"
    "{already} 条此前已匿名化。"
)
PURGE_KEPT = "未到期限，保持不变：已办结 {recent} 条，未办结 {open} 条。"
PURGE_BAD_CONFIG = "无法读取保存期限：{reason}"
PURGE_EVALUATIONS = "已删除 {count} 条满 {days} 天的年度评价中的评价意见（评价年度已过的，也删除其去重标记）。"
PURGE_EVALUATIONS_DRY_RUN = "将删除 {count} 条满 {days} 天的年度评价中的评价意见（评价年度已过的，也删除其去重标记）。"

# A proxy in front that the settings do not trust (X-Forwarded-For seen, TRUSTED_PROXIES 0): logged once.
UNTRUSTED_PROXY = (
    "请求从本机或内网转来（带有 X-Forwarded-For），像是经过了反向代理，但 FORMS_TRUSTED_PROXIES 是 0："
    "限流会把所有人算作代理这一个地址，"
    "一人用完额度，其他市民也会被拒绝。nginx 在前面时请设 FORMS_TRUSTED_PROXIES=1（见 deploy/mashang.env.example）。"
)
# A setting's name without its prefix in the environment (NOTIFY_SMS=log): logged at start, never with the value.
UNPREFIXED_SETTING = (
    "环境变量 {name} 不起作用：留言服务和工作人员工具只读取以 FORMS_ 开头的设置，请改名为 {right}。"
    " / {name} is not read: did you mean {right}?"
)
# gunicorn refuses to start (deploy/gunicorn.conf.py): the operator reads it in the service's log.
WORKERS_NEED_SHARED_LIMITS = (
    "FORMS_WORKERS={workers}：多个进程时，限流计数不能存在各进程的内存中（FORMS_RATELIMIT_STORAGE_URI=memory://），"
    "否则每个进程都会重新放行同一地址。请设置 FORMS_RATELIMIT_STORAGE_URI=redis://主机:6379，或改回 FORMS_WORKERS=1。"
    " / {workers} workers with the per-process memory:// rate-limit store would each grant the full limit: set "
    "FORMS_RATELIMIT_STORAGE_URI=redis://host:6379, or FORMS_WORKERS=1."
)

# --- commands `store upgrade` and `store copy` in forms_api/staff/stores.py ------------------------------------------

STORE_HELP = {
    "store": "留言队列的存储：升级 PostgreSQL 数据库结构，在目录与数据库之间迁移留言队列。",
    "upgrade": (
        "创建或升级留言队列所在 PostgreSQL 数据库的结构（环境变量 FORMS_QUEUE_URL 或 --queue 指定）；"
        "可重复运行，已是最新时不做任何修改。队列在目录中时无需升级。"
    ),
    "copy": (
        "把留言队列（全部记录、后台账号和答复模板）从 --from 复制到 --to，"
        "两者各为队列目录或 postgresql:// 数据库地址；目标中已有记录时拒绝。"
        "复制后核对记录条数和 SHA-256 摘要，不一致即报错。后台人员迁移后需重新登录。"
        "年度评价的密钥不在队列中，不会复制：它留在密钥文件里（默认是队列目录旁的 evaluations.key，"
        "或 FORMS_EVALUATIONS_KEY_FILE 指定的文件），新的队列要继续用这个文件，否则同一手机号可以再评价一次。"
    ),
    "copy.from": "复制来源：队列目录或 postgresql://用户@主机/数据库。",
    "copy.to": "复制目标：队列目录（不存在则新建）或已升级结构的 postgresql:// 数据库。",
}
STORE_SHORT_HELP = {
    "store": "升级数据库结构、迁移留言队列。",
    "upgrade": "创建或升级数据库结构。",
    "copy": "在目录与数据库之间复制留言队列。",
}
STORE_UPGRADED = "数据库 {location} 的结构已从第 {before} 版升级到第 {after} 版。"
STORE_UP_TO_DATE = "数据库 {location} 的结构已是最新（第 {after} 版），未做修改。"
STORE_FOLDER_NO_UPGRADE = "留言队列 {location} 是目录，无需升级。"
STORE_COPY_DONE = (
    "已从 {source} 复制 {events} 条记录、{accounts} 个后台账号、{templates} 个答复模板到 {dest}；"
    "核对一致（SHA-256 {digest}）。"
)
STORE_COPY_NO_SOURCE = "找不到要复制的留言队列 {source}。"
STORE_COPY_NOT_EMPTY = "目标 {dest} 中已有留言记录：为免混淆，只能复制到空的队列。"
STORE_COPY_MISMATCH = (
    "复制到 {dest} 后核对不一致：来源 {count} 条记录，目标 {found} 条（或摘要不同）。请检查目标后重试。"
)

# The PostgreSQL store (forms_api/store/pgdb.py): the service refuses to start on an older schema, staff tools too.
STORE_SCHEMA_OUTDATED = (
    "数据库 {location} 的结构是第 {found} 版，本程序需要第 {needed} 版：请先运行 python -m forms_api store upgrade。"
)
BACKUP_DONE = "已备份 {events} 条记录（{submissions} 条留言）到 {path}（含个人信息，仅本人可读）。"
BACKUP_PRUNED = "已删除 {count} 份较早的备份。"
BACKUP_DUMP_DONE = "另有同一时刻的数据库转储 {path}（pg_dump 自定义格式，仅本人可读），与上面的文件一起保管。"
BACKUP_DUMP_FAILED = "无法转储数据库：{reason}"
PG_TOOL_MISSING = (
    "找不到 PostgreSQL {major} 版的 {tool}：请安装 postgresql-client-{major}（Debian），"
    "或用 FORMS_PG_BIN_DIR 指明它所在的目录。"
)
RESTORE_DUMP_FAILED = "无法用 {path} 恢复数据库，数据库未改动：{reason}"
RESTORE_DUMP_MISMATCH = "恢复后的记录与 {beside} 不一致：{path} 可能损坏或不是同一次备份。请换用其他备份。"
RESTORE_DUMP_NEEDS_DATABASE = (
    "{path} 是 PostgreSQL 数据库的转储，只能恢复到 postgresql:// 的队列（用 --queue 或 FORMS_QUEUE_URL 指明）。"
)
BACKUP_WRITE_FAILED = "无法写入备份 {path}：{reason}"
BACKUP_READ_FAILED = "无法读取备份 {path}：{reason}"
BACKUP_DAMAGED = "备份 {path} 已损坏：第 {line} 行不是完整的记录。请换用其他备份。"
BACKUP_MISSING = "找不到备份文件 {path}。"
BACKUP_NOTHING = (
    "备份 {path} 中没有任何记录（{size} 字节）：可能复制不完整，队列未改动。请核对文件大小后重新复制；"
    "确实要恢复成一个空的队列，请加 --force。"
)
BACKUP_KEY_UNREADABLE = "无法备份账号或答复模板：{reason}"

RESTORE_DONE = "已用 {path} 恢复留言队列 {queue}：{events} 条记录（{submissions} 条留言）。"
RESTORE_FORCED = "注意：队列中原有的 {lost} 条记录不在备份中，已被覆盖。"
RESTORE_NO_KEY = (
    "注意：这份备份含 {count} 条年度评价，而年度评价的密钥文件 {key_file} 不在这台机器上（密钥从不随备份，"
    "以免拿到备份的人反推出评价人的手机号码）。请在启动服务前，把原服务器上的这个文件单独复制到 {key_file}"
    "（属主为服务的用户，权限 0600）。找不到原文件时服务会生成新密钥：往年的评价不受影响，"
    "但今年已评价过的手机号码将能再评价同一位代表一次。"
)
RESTORE_KEY_FROM_BACKUP = (
    "注意：这份备份是旧版本做的，含有年度评价的密钥，已放到 {key_file}。新的备份不再含密钥："
    "请现在做一份新备份，再销毁含密钥的旧备份。"
)
RESTORE_NEWER = (
    "拒绝恢复：留言队列 {queue} 中有 {count} 条记录不在这份备份中（最近一条在 {latest}），队列比备份新，"
    "恢复会丢失这些记录。请换用更新的备份；确要覆盖，请先用 backup 备份当前队列，再加 --force。"
)

# --- end of operations ------------------------------------------------------------------------------------------------


# --- Back-office accounts: `python -m forms_api users ...` (forms_api/staff/users.py) ---------------------------------

ROLE_LABELS = {"office": "代表工作机构", "station": "联络站工作人员", "deputy": "代表", "handler": "承办单位"}
USERS_HELP = {
    "users": (
        "管理后台（/staff/）的账号：新建账号并生成邀请链接、列出、停用、重置密码、解锁、清除二次验证。"
        "账号保存在留言队列目录的 accounts.json 中（不进 git，权限 0600）。"
    ),
    "add": (
        "新建账号并显示邀请链接：本人打开链接设置密码后即可登录。链接只能用一次，过期失效"
        "（默认 72 小时，环境变量 FORMS_INVITATION_HOURS）。"
    ),
    "add.role": (
        "角色：office（代表工作机构，看全部留言、管理账号）、station（联络站工作人员，看所属联络站及驻站代表的留言）、"
        "deputy（代表，看给本人的留言）、handler（承办单位，看交办给本单位的留言）。"
    ),
    "add.station": "station 角色所属的联络站编号（可重复），如 qingshi-zhan。",
    "add.deputy": "deputy 角色对应的代表编号，如 zhang-san。",
    "add.handler": "handler 角色的单位名称，与交办时写的承办者相同，如 县住建局 或 12345。",
    "*.base_url": "后台所在网站的地址，如 https://example.org/（默认：环境变量 FORMS_SITE_URL）。",
    "list": (
        "列出全部账号：登录名、角色、范围（联络站和代表按网站数据显示名称，没有网站数据时显示编号）、"
        "状态（待设置密码、已启用、已停用，以及是否已锁定）。"
    ),
    "disable": "停用账号：不能再登录，已登录的会话在下一次操作时立即失效。",
    "reset": "重置密码：原密码和已登录的会话作废，显示新的邀请链接（停用的账号由此重新启用）。",
    "unlock": "解锁因连续输错密码被锁定的账号。",
    "reset-totp": "清除账号的二次验证（本人手机丢失或换机）：本人用密码登录后重新绑定验证器；已登录的会话作废。",
}
USERS_SHORT_HELP = {
    "users": "管理后台账号。",
    "add": "新建账号并生成邀请链接。",
    "list": "列出账号。",
    "disable": "停用账号。",
    "reset": "重置密码（新的邀请链接）。",
    "unlock": "解锁账号。",
    "reset-totp": "清除二次验证（手机丢失时）。",
}
USERS_ADDED = "已创建账号 {login}（{role}）。请把下面的邀请链接交给本人，用它设置密码；链接只能用一次，{until} 前有效："
USERS_RESET = "已重置账号 {login} 的密码，原密码和已登录的会话作废。新的邀请链接只能用一次，{until} 前有效："
USERS_DISABLED = "已停用账号 {login}，其已登录的会话立即失效。"
USERS_UNLOCKED = "已解锁账号 {login}。"
USERS_NOT_LOCKED = "账号 {login} 没有被锁定。"
USERS_TOTP_RESET = "已清除账号 {login} 的二次验证，已登录的会话作废；本人用密码登录后重新绑定验证器。"
USERS_NO_TOTP = "账号 {login} 没有绑定二次验证，未作改动。"
USERS_EXISTS = "账号 {login} 已存在；要重新生成邀请链接，请用 users reset {login}。"
USERS_UNKNOWN = "没有账号 {login}。"
USERS_BAD_LOGIN = "登录名“{login}”不可用：请用 2 至 32 个小写字母、数字、点、下划线或连字符，以字母或数字开头。"
USERS_SCOPE_ERRORS = {
    "office": "office 角色看全部留言，不能加 --station、--deputy 或 --handler。",
    "station": "station 角色请用 --station 写明所属联络站编号（小写字母、数字和连字符，可写多个），不能加其他范围。",
    "deputy": "deputy 角色请用 --deputy 写明一个代表编号（小写字母、数字和连字符），不能加其他范围。",
    "handler": "handler 角色请用 --handler 写明单位名称（不含控制字符，64 字以内），不能加其他范围。",
}
USERS_NO_BASE_URL = "请用 --base-url 或环境变量 FORMS_SITE_URL 给出后台所在网站的地址（如 https://example.org/）。"
USERS_LIST_HEADER = ("登录名", "角色", "范围", "状态")
USERS_LIST_COUNT = "共 {count} 个账号。"
USERS_SCOPE_LABELS = {"office": "全部留言", "station": "联络站 {items}", "deputy": "代表 {items}", "handler": "{items}"}
USERS_STATE_LABELS = {"invited": "待设置密码（邀请 {until} 前有效）", "active": "已启用", "disabled": "已停用"}
USERS_EXPIRED = "待设置密码（邀请已过期）"
USERS_LOCKED = "，已锁定"

# --- end of back-office accounts --------------------------------------------------------------------------------------


# --- The back office in a browser (forms_api/console/, forms_api/templates/staff/) ------------------------------------

CONSOLE_TEXTS = {
    "title": "留言办理后台",
    "signin": "登录",
    "signin_title": "登录留言办理后台",
    "login": "登录名",
    "password": "密码",
    "password_again": "再次输入密码",
    "signout": "退出登录",
    "signed_in_as": "当前账号：{login}（{role}）",
    "signin_failed": (
        "登录名或密码不正确，或账号已停用、已锁定。连续输错 6 次密码，账号将被锁定，需由代表工作机构解锁。"
    ),
    "signed_out": "已退出登录。",
    "timed_out": "长时间没有操作，已自动退出，请重新登录。",
    "signin_hint": "没有账号或忘记密码，请联系代表工作机构。",
    "invite_title": "设置密码",
    "invite_lead": "为账号 {login} 设置登录密码。",
    "password_rules": (
        "密码至少 {min} 个字符（最多 {max} 个），不能与登录名相同，也不能过于简单（如全是数字、键盘上连续的一排字母）。"
    ),
    "invite_submit": "设置密码并登录",
    "invite_invalid": "邀请链接无效、已用过或已过期，请联系代表工作机构重新生成。",
    "passwords_differ": "两次输入的密码不一致。",
    "nav_dashboard": "概览",
    "nav_cases": "留言",
    "nav_accounts": "账号",
    "nav_templates": "答复模板",
    "nav_label": "后台导航",
    "dashboard_title": "概览",
    "dashboard_lead": "您可以查看的留言：",
    "cases_title": "留言",
    "filter": "筛选",
    "filter_status": "状态",
    "filter_open": "未办结（全部）",
    "filter_any": "全部（含已办结）",
    "filter_overdue": "只看逾期",
    "filter_search": "搜索（编号、内容、类别、留言对象、承办）",
    "apply": "筛选",
    "count": "共 {count} 条，其中逾期 {overdue} 条。",
    "none": "没有符合条件的留言。",
    "page": "第 {page} / {pages} 页",
    "previous": "上一页",
    "next": "下一页",
    "pagination": "翻页",
    "case_title": "留言 {ref}",
    "status": "状态",
    "target": "留言对象",
    "category": "类别",
    "submitted": "提交时间",
    "assignee": "承办",
    "deadline": "答复期限",
    "text": "留言内容",
    "answer": "答复",
    "no_answer": "尚未答复",
    "anonymous": "公开时匿名",
    "complex": "复杂件",
    "yes": "是",
    "no": "否",
    "rating": "评价",
    "notes": "内部备注",
    "timeline": "办理经过",
    "personal": "留言人",
    "name": "姓名",
    "phone": "电话",
    "not_given": "（未填写）",
    "personal_hidden": "姓名和电话已隐去。",
    "personal_show": "查看姓名和电话",
    "personal_logged": "每次查看都会记入办理经过（谁、何时）。",
    "personal_not_allowed": "您的角色不能查看留言人的姓名和电话。",
    "back_to_list": "返回留言列表",
    "accounts_title": "账号",
    "role": "角色",
    "scope": "范围",
    "state": "状态",
    "unlock": "解锁",
    "unlocked": "已解锁账号 {login}。",
    "error_title": "无法完成",
    "forbidden": "您的账号没有权限查看这个页面。",
    "not_found": "没有找到这个页面或这条留言。",
    "csrf": "页面已过期，刚才的操作没有完成。",
    "not_a_page": (
        "这个地址只用来提交表单（按页面上的按钮），不能从浏览记录、书签或新标签页直接打开。"
        "这次没有做任何更改，请从下面的链接继续。"
    ),
    "back_to": "返回“{page}”页面",
    "too_many": "操作太频繁，请稍后再试。",
    "too_large": "提交的内容太大（上传的文件最多 2 MB），刚才的操作没有完成。请分批导入。",
    "server_error": "系统出错，刚才的操作没有完成。请稍后再试；一直这样请告诉系统管理员（出错时间已记入日志）。",
    "unavailable": "系统暂时无法使用，请稍后再试。",
}
DASHBOARD_LABELS = {
    "submitted": "待受理",
    "assigned": "办理中",
    "overdue": "逾期",
    "due_soon": "即将到期",
    "replied": "已答复",
    "closed": "已办结",
    "reopened": "重新办理",
}
# The case actions on a case's page (forms_api/console/actions.py, templates/staff/actions.html).
ACTION_TEXTS = {
    "actions": "办理",
    "assign": "交办",
    "handover": "转办",
    "handover_hint": "转给其他承办者：办理中的答复期限不变；已答复的（答复后继续转办）从今天起重新计算答复期限。",
    "answer": "答复",
    "answer_hint": "答复会显示在群众的查询页面上。",
    "answer_taken_on_hint": "这条留言写给您，尚未交办：答复时即由您承办，答复期限从今天起算。",
    "answer_needs_assignment": "这条留言尚未交办，暂不能答复：请先在上方“交办”（可交办给留言对象代表），再答复。",
    "answer_not_yours": "这条留言尚未交办给您，暂不能答复：交办后即可答复。",
    "close": "办结",
    "reopen": "重新办理",
    "note": "内部备注",
    "note_hint": "内部备注只在后台显示，群众看不到。",
    "urge": "催办",
    "urge_hint": "该留言已逾期。催办会记入办理经过（谁、何时），群众看不到。",
    "result": "办理结果",
    "result_hint": "承办单位的办理结果只在后台显示；由代表工作机构或联络站据此答复群众。",
    "result_button": "提交办理结果",
    "to_kind": "交办给",
    "to_deputy": "人大代表",
    "to_department": "职能部门",
    "to_hotline": "12345热线",
    "deputy_id": "代表编号（如 zhang-san）",
    "to_name": "部门名称（交办给 12345 热线时可不填）",
    "complex": f"复杂件（答复期限为 {COMPLEX_DAYS} 个工作日）",
    "deadline": f"答复期限（可不填，默认 {FIRST_ANSWER_DAYS} 个工作日，复杂件 {COMPLEX_DAYS} 个）",
    "answer_text": "答复内容",
    "reason": "原因",
    "told": "告诉群众为什么没有答复",
    "told_hint": "这条留言还没有答复。群众在查询进度页面会看到您选的这一句；上面的原因只有工作人员能看到。",
    "told_choose": "请选择",
    "told_missing": "这条留言还没有答复：请选择告诉群众的原因（群众在查询进度页面能看到），或者先答复再办结。",
    "note_text": "备注内容",
    "result_text": "办理情况（做了什么，结果如何）",
    "templates_pick": "答复模板",
    "templates_fill": "填入答复框",
    "templates_none": "（不用模板）",
    "error": "未能完成：{message}",
    "bad_to_kind": "请选择交办给人大代表、职能部门还是 12345 热线。",
    "bad_deputy": "找不到编号为“{deputy}”的代表，请核对代表编号。",
    "bad_deadline": "答复期限应为日期，形如 2026-12-01。",
    "done_handover": "已转办 {ref}：{assignee}，答复期限 {deadline}。",
    "done_urge": "已催办 {ref}。",
    "done_result": "已为 {ref} 记录办理结果。",
    "templates_title": "答复模板",
    "templates_lead": "答复时可选用的模板。标题相同的模板会被替换。",
    "template_title": "标题",
    "template_text": "模板内容",
    "template_add": "保存模板",
    "template_delete": "删除模板",
    "template_edit": "修改模板",
    "template_added": "已保存模板“{title}”。",
    "template_deleted": "已删除模板“{title}”。",
    "templates_empty": "还没有答复模板。",
}
TEMPLATE_ERRORS = {
    "title": "模板标题不能为空，最多 40 个字符，不能换行或含控制字符。",
    "text": "模板内容不能为空，最多 2000 个字符，不能含控制字符。",
    "full": "答复模板最多 100 个，请先删除不用的模板。",
}
FILTER_TEXTS = {
    "station": "联络站编号",
    "deputy": "代表编号",
    "category": "类别",
    "any_category": "（全部类别）",
    "since": "提交日期从",
    "until": "至",
}
PASSWORD_ERRORS = {
    "short": "密码太短：至少 {min} 个字符。",
    "long": "密码太长：最多 {max} 个字符。",
    "weak": "密码过于简单：不能与登录名相同，不能只有数字，不能是键盘上连续的一排字母，也不能只由很少几种字符组成。",
}

# The workflow's further steps in the console (issue 13: 转办 after an answer, forced close, 回访, 督办; 12: 审核).
ACTION_TEXTS |= {
    "force": "强制办结（评价期内提前办结，须写明理由）",
    "window_hint": "群众可在答复后评价；未评价、未回访的，{date} 起才能办结，之前办结须勾选强制办结。",
    "followup": "回访",
    "followup_hint": "记录电话或上门回访时群众对办理结果的满意程度；群众的查询页面只显示“回访”。",
    "satisfaction": "群众的满意程度",
    "followup_note": "回访情况（选填，仅内部可见）",
    "bad_satisfaction": "请选择群众的满意程度。",
    "answer_review_hint": "您的答复将先由代表工作机构审核，审核通过后群众才能看到。",
    "draft_title": "待审核的答复",
    "draft_by": "{by} 于 {at} 提交",
    "approve": "审核通过并公开",
    "send_back": "退回修改",
    "send_back_text": "退回意见（仅内部可见）",
    "done_followup": "已记录 {ref} 的回访。",
    "done_approve": "已审核通过 {ref} 的答复，群众现在可以看到。",
    "done_send_back": "已把 {ref} 的答复退回修改。",
    "done_drafted": "已提交 {ref} 的答复，等待代表工作机构审核。",
    "supervised": "督办",
    "supervised_hint": "群众第二次表示不满意，该留言已转入督办，由代表工作机构督促办理。",
}
DASHBOARD_LABELS |= {"supervised": "督办", "review": "待审核"}
# a deputy's 待受理 (forms_api/console/queue.py): the cases addressed to them that they may answer, taking them on
DASHBOARD_LABELS_DEPUTY = {"submitted": "写给您、尚未交办"}
FILTER_TEXTS |= {"supervised": "只看督办", "supervised_mark": "督办"}
# a filter refused (forms_api/console/queue.py): the dates checked as the hand-over sheet's, nothing listed
FILTER_TEXTS |= {
    "bad_since": "开始日期“{value}”不是有效的日期，请按 年-月-日 填写，如 {example}。",
    "bad_until": "结束日期“{value}”不是有效的日期，请按 年-月-日 填写，如 {example}。",
    "refused": "以下筛选条件需要修改，改好后再按“筛选”：",
    "none_listed": "筛选条件有误，没有列出留言。",
}

# 申请退回 (a handler or deputy says a case is not theirs) and the office's decline (forms_api/console/actions.py)
ACTION_TEXTS |= {"return_ask": "申请退回", "return_decline": "不同意退回"}

# --- end of the back office -------------------------------------------------------------------------------------------
